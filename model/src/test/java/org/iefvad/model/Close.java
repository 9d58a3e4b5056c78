package org.iefvad.model;

import static org.junit.jupiter.api.Assertions.fail;

/** Element-wise comparison with the golden tolerance |a - e| <= atol + rtol |e|. */
public final class Close {
    private Close() {}

    public static void assertClose(String what, float[] expected, float[] actual, double atol, double rtol) {
        if (expected.length != actual.length) {
            fail(what + ": expected " + expected.length + " values, got " + actual.length);
        }
        int bad = 0;
        int first = -1;
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(expected[i] - actual[i]);
            double tol = atol + rtol * Math.abs(expected[i]);
            if (!(err <= tol)) {
                bad++;
                if (first < 0) {
                    first = i;
                }
                worst = Math.max(worst, err);
            }
        }
        if (bad > 0) {
            fail(what + ": " + bad + " of " + expected.length + " values out of tolerance; first at " + first
                    + " expected " + expected[first] + " got " + actual[first] + ", worst error " + worst);
        }
    }
}
