package org.iefvad.operators;

/**
 * What the job reports per segment: anomaly score in [0, 1], mean normalised image and event
 * weights, mean Kalman state variance, and the model version that scored it.
 */
public record SegmentScore(String camera, long segment, long firstFrame, long lastFrame, double score, double wImage,
        double wEvent, double stateVar, String model) {}
