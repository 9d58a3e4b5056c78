package org.iefvad.operators;

/**
 * A fused step and the camera's state after the Kalman update (SPEC 2.5): {@code stateMean} feeds
 * refinement; with the update off they are the step's own fused mean and variance.
 */
public record FilteredStep(FusedStep step, float[] stateMean, float[] stateVariance) {}
