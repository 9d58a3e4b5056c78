package org.iefvad.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SyntheticEventsTest {

    private static byte[] rgb(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    @Test
    void grayUsesRgbWeightsInOrder() {
        float[] g = SyntheticEvents.gray(rgb(255, 0, 0, 0, 255, 0, 0, 0, 255, 200, 200, 200), 4);
        assertEquals(0.2989f * 255, g[0]);
        assertEquals(0.5870f * 255, g[1]);
        assertEquals(0.1140f * 255, g[2]);
        assertEquals(199.98f, g[3], 1e-3f);
    }

    @Test
    void countsPairsStrictlyAboveThresholdAndClamps() {
        // pixel 0 flips black/white every frame (4 pairs fire), pixel 1 alternates between two colours whose
        // float32 grays (12.184, 22.184) differ by exactly 10 (never fires at threshold 10), pixel 2 fires once.
        List<byte[]> frames = List.of(
                rgb(0, 0, 0, 40, 0, 2, 0, 0, 0),
                rgb(255, 255, 255, 0, 4, 174, 0, 0, 0),
                rgb(0, 0, 0, 40, 0, 2, 0, 0, 0),
                rgb(255, 255, 255, 0, 4, 174, 50, 50, 50),
                rgb(0, 0, 0, 40, 0, 2, 50, 50, 50));
        int[] counts = SyntheticEvents.firedCounts(frames, 3, new EventConfig(10, 3));
        assertArrayEquals(new int[] {3, 0, 1}, counts);
        assertArrayEquals(new float[] {1f, 0f, 1f / 3}, SyntheticEvents.normaliseBySelf(counts));
    }

    @Test
    void segmentAndBatchNormalisationDiffer() {
        List<float[]> batch = SyntheticEvents.normaliseByBatch(List.of(new int[] {2, 1}, new int[] {4, 0}, new int[] {0, 0}));
        assertArrayEquals(new float[] {0.5f, 0.25f}, batch.get(0));
        assertArrayEquals(new float[] {1f, 0f}, batch.get(1));
        assertArrayEquals(new float[] {0f, 0f}, batch.get(2));
        assertArrayEquals(new float[] {1f, 0.5f}, SyntheticEvents.normaliseBySelf(new int[] {2, 1}));
        assertArrayEquals(new float[] {0f, 0f}, SyntheticEvents.normaliseBySelf(new int[] {0, 0}));
    }

    @Test
    void stackedPlanesRepeatTheMapPerChannel() {
        assertArrayEquals(new float[] {0.5f, 1f, 0.5f, 1f, 0.5f, 1f}, SyntheticEvents.stackedPlanes(new float[] {0.5f, 1f}));
    }
}
