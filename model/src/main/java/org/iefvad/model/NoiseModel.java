package org.iefvad.model;

/** The noise model behind a modality's precision (SPEC 2.3). */
public enum NoiseModel {
    Gaussian,
    StudentT;

    /**
     * Factor on exp(-logvar) that turns the predicted variance into a precision. Student-t: the
     * Laplace approximation gives an effective variance nu/(nu+1) sigma^2.
     */
    public double precisionFactor(double nu) {
        return this == StudentT ? (nu + 1.0) / nu : 1.0;
    }
}
