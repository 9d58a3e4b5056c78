package org.iefvad.model;

/**
 * The sequential (Kalman-style) update of SPEC 2.5, per dimension, in float32 like the reference:
 * {@code a = 1/(P + q + eps)}, {@code b = 1/(var + eps)}, {@code m = (a m + b mu)/(a + b)},
 * {@code P = 1/(a + b)}. The first step of a sequence takes the observation as it is.
 */
public final class KalmanUpdate {
    private KalmanUpdate() {}

    /** Fused mean and variance after an update; arrays are owned by the caller. */
    public record State(float[] mean, float[] variance) {}

    public static State start(float[] mu, float[] var) {
        return new State(mu.clone(), var.clone());
    }

    public static State step(State prev, float[] mu, float[] var, float q, float eps) {
        int d = mu.length;
        if (prev.mean().length != d || var.length != d) {
            throw new IllegalArgumentException("Kalman state has " + prev.mean().length + " dims, observation " + d);
        }
        float[] m = new float[d];
        float[] p = new float[d];
        for (int i = 0; i < d; i++) {
            float a = 1f / (prev.variance()[i] + q + eps);
            float b = 1f / (var[i] + eps);
            float s = a + b;
            m[i] = (a * prev.mean()[i] + b * mu[i]) / s;
            p[i] = 1f / s;
        }
        return new State(m, p);
    }
}
