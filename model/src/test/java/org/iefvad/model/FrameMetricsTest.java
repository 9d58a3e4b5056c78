package org.iefvad.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameMetricsTest {

    @Test
    void perfectSeparationScoresOne() {
        double[] s = {0.9, 0.8, 0.3, 0.1};
        int[] y = {1, 1, 0, 0};
        assertEquals(1.0, FrameMetrics.rocAuc(s, y), 0);
        assertEquals(1.0, FrameMetrics.averagePrecision(s, y), 0);
        assertEquals(0.0, FrameMetrics.rocAuc(s, new int[] {0, 0, 1, 1}), 0);
    }

    @Test
    void allTiedScoresAreOneThreshold() {
        double[] s = {0.5, 0.5, 0.5, 0.5};
        int[] y = {1, 0, 0, 0};
        assertEquals(0.5, FrameMetrics.rocAuc(s, y), 0);
        assertEquals(0.25, FrameMetrics.averagePrecision(s, y), 0);
    }

    @Test
    void scikitLearnDocumentationExample() {
        // roc_auc_score and average_precision_score docstrings: 0.75 and 0.8333...
        double[] s = {0.1, 0.4, 0.35, 0.8};
        int[] y = {0, 0, 1, 1};
        assertEquals(0.75, FrameMetrics.rocAuc(s, y), 1e-15);
        assertEquals(5.0 / 6, FrameMetrics.averagePrecision(s, y), 1e-15);
    }

    @Test
    void partialTieCountsHalf() {
        // pairs: (0.5+ vs 0.5-) tie = 1/2, (0.2+ vs 0.5-) = 0 -> 0.25; AP = 0.5*0.5 + 0.5*(2/3)
        double[] s = {0.5, 0.5, 0.2};
        int[] y = {1, 0, 1};
        assertEquals(0.25, FrameMetrics.rocAuc(s, y), 1e-15);
        assertEquals(0.25 + 1.0 / 3, FrameMetrics.averagePrecision(s, y), 1e-15);
    }

    @Test
    void undefinedWithoutBothClasses() {
        assertTrue(Double.isNaN(FrameMetrics.rocAuc(new double[] {0.1, 0.2}, new int[] {0, 0})));
        assertTrue(Double.isNaN(FrameMetrics.averagePrecision(new double[] {0.1, 0.2}, new int[] {0, 0})));
        assertThrows(IllegalArgumentException.class, () -> FrameMetrics.rocAuc(new double[] {0.1}, new int[] {2}));
    }

    @Test
    void segmentScoresRepeatSixteenTimesAndTheLastCoversTheRest() {
        double[] f = FrameMetrics.toFrameScores(new float[] {1, 2, 3}, 40);
        assertEquals(40, f.length);
        assertEquals(1, f[15]);
        assertEquals(2, f[16]);
        assertEquals(3, f[39]);
        double[] longer = FrameMetrics.toFrameScores(new float[] {1, 2}, 40);
        assertEquals(2, longer[39]);
        assertArrayEquals(new double[] {1, 1}, FrameMetrics.toFrameScores(new float[] {1, 2}, 2));
    }

    @Test
    void anomalyAucAndPerClassUseOnlyAbnormalVideos() {
        int[] sixteen0 = new int[16];
        int[] sixteen1 = new int[16];
        Arrays.fill(sixteen1, 1);
        List<FrameMetrics.VideoScores> videos = List.of(
                // a normal video scoring higher than everything: hurts the overall AUC only
                new FrameMetrics.VideoScores("n", "Normal", new float[] {0.9f}, sixteen0),
                new FrameMetrics.VideoScores("a", "Fighting", new float[] {0.8f, 0.1f}, concat(sixteen1, sixteen0)));
        FrameMetrics.Report r = FrameMetrics.evaluate(videos);
        assertEquals(0.5, r.auc(), 1e-15);
        assertEquals(1.0, r.anoAuc(), 1e-15);
        assertEquals(List.of("Fighting"), List.copyOf(r.perClass().keySet()));
        assertEquals(1.0, r.perClass().get("Fighting").auc(), 1e-15);
        assertEquals(32, r.perClass().get("Fighting").frames());
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
