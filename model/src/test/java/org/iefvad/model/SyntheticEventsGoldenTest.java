package org.iefvad.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SyntheticEventsGoldenTest {
    private static final Path DIR = SharedData.golden("events_vtest");
    private static byte[] frames;
    private static int[] shape = new int[5];

    @BeforeAll
    static void readFrames() throws Exception {
        frames = Npy.readU8(DIR.resolve("frames_center_u8.npy"), shape);
        assertArrayEquals(new int[] {3, 16, 224, 224, 3}, shape, "frames_center_u8 shape");
    }

    @ParameterizedTest
    @CsvSource({"batch,10,10", "batch,25,16", "segment,10,10", "segment,25,16"})
    void mapsMatchGolden(String norm, double threshold, int clamp) throws Exception {
        String name = "events_" + norm + "_thr" + (int) threshold + "_clamp" + clamp;
        FloatTensor want = Npy.readFloat(DIR.resolve(name + ".npy"));
        int segments = shape[0];
        int n = shape[1];
        int pixels = shape[2] * shape[3];
        assertEquals((long) segments * pixels, want.data().length, name + " size " + want.shapeString());

        EventConfig config = new EventConfig(threshold, clamp);
        List<int[]> counts = new ArrayList<>();
        for (int s = 0; s < segments; s++) {
            counts.add(SyntheticEvents.firedCounts(frames, s * n * 3 * pixels, n, pixels, config));
        }
        List<float[]> maps = norm.equals("batch") ? SyntheticEvents.normaliseByBatch(counts)
                : counts.stream().map(SyntheticEvents::normaliseBySelf).toList();
        for (int s = 0; s < segments; s++) {
            float[] expected = Arrays.copyOfRange(want.data(), s * pixels, (s + 1) * pixels);
            Close.assertClose(name + " segment " + s, expected, maps.get(s), 1e-6, 0);
        }
    }

    @ParameterizedTest
    @CsvSource({"10,10", "25,16"})
    void perFrameListGivesTheSameStreamingMap(double threshold, int clamp) throws Exception {
        int pixels = shape[2] * shape[3];
        List<byte[]> segment = new ArrayList<>();
        for (int t = 0; t < shape[1]; t++) {
            segment.add(Arrays.copyOfRange(frames, t * 3 * pixels, (t + 1) * 3 * pixels));
        }
        FloatTensor want = Npy.readFloat(DIR.resolve("events_segment_thr" + (int) threshold + "_clamp" + clamp + ".npy"));
        float[] map = SyntheticEvents.segmentMap(segment, pixels, new EventConfig(threshold, clamp));
        Close.assertClose("segment 0 from a frame list", Arrays.copyOf(want.data(), pixels), map, 1e-6, 0);
    }
}
