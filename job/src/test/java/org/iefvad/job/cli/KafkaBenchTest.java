package org.iefvad.job.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class KafkaBenchTest {
    @Test
    void framesAreSplitInWholeSegmentsWithAtLeastOnePerCamera() {
        assertEquals(1024, KafkaBench.perCamera(1024, 1));
        assertEquals(256, KafkaBench.perCamera(1024, 4));
        assertEquals(64, KafkaBench.perCamera(1024, 16));
        assertEquals(16, KafkaBench.perCamera(1024, 64));
        assertEquals(16, KafkaBench.perCamera(1024, 100));
        assertEquals(32, KafkaBench.perCamera(100, 3));
    }

    @Test
    void percentilesAreNearestRank() {
        double[] v = new double[100];
        for (int i = 0; i < v.length; i++) {
            v[i] = i + 1;
        }
        assertEquals(50, KafkaBench.percentile(v, 0.5));
        assertEquals(99, KafkaBench.percentile(v, 0.99));
        assertEquals(7, KafkaBench.percentile(new double[] {7}, 0.99));
    }
}
