package org.iefvad.model;

import java.util.Arrays;

/** The MIL instance score of a video (mean of its top floor(L/16)+1 segment scores) and its BCE, in plain Java. */
public final class MilInstance {
    private MilInstance() {}

    public static double score(float[] segmentScores) {
        int len = segmentScores.length;
        int k = Math.min(len, len / 16 + 1);
        float[] s = segmentScores.clone();
        Arrays.sort(s);
        double sum = 0;
        for (int i = len - k; i < len; i++) {
            sum += s[i];
        }
        return sum / k;
    }

    public static double bce(double p, boolean abnormal) {
        double c = Math.min(Math.max(p, 1e-12), 1 - 1e-7);
        return abnormal ? -Math.log(c) : -Math.log(1 - c);
    }
}
