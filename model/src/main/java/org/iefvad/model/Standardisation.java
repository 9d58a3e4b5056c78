package org.iefvad.model;

import java.util.List;

/** Per-dimension mean and standard deviation of embeddings, fitted on training segments. */
public record Standardisation(float[] mean, float[] std) {
    /** Keeps near-constant dimensions (a cell statistic that never varies) from being blown up. */
    private static final float STD_FLOOR = 1e-3f;

    public static Standardisation fit(List<float[][]> videos) {
        int d = videos.get(0)[0].length;
        double[] sum = new double[d];
        double[] sq = new double[d];
        long n = 0;
        for (float[][] v : videos) {
            for (float[] row : v) {
                for (int i = 0; i < d; i++) {
                    sum[i] += row[i];
                    sq[i] += (double) row[i] * row[i];
                }
                n++;
            }
        }
        float[] mean = new float[d];
        float[] std = new float[d];
        for (int i = 0; i < d; i++) {
            double m = sum[i] / n;
            mean[i] = (float) m;
            std[i] = (float) Math.sqrt(Math.max(0, sq[i] / n - m * m)) + STD_FLOOR;
        }
        return new Standardisation(mean, std);
    }

    public float[][] apply(float[][] rows) {
        float[][] out = new float[rows.length][];
        for (int t = 0; t < rows.length; t++) {
            out[t] = new float[rows[t].length];
            for (int i = 0; i < rows[t].length; i++) {
                out[t][i] = (rows[t][i] - mean[i]) / std[i];
            }
        }
        return out;
    }
}
