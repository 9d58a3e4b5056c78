package org.iefvad.operators;

/**
 * One edge of a camera's alert, as {@link AlertFunction} emits it: {@code kind} is {@link #OPEN}
 * or {@link #CLOSE}. At open the segment and frame range is the run of k segments that opened it;
 * at close it is the whole alert, from the first segment of that run to the last segment that
 * was still at or above the low threshold. The peak is the highest score over that range (the
 * earliest segment on ties) with the modality weights of that segment; {@code model} is the
 * version that scored the peak.
 */
public record Alert(String camera, String kind, long firstSegment, long lastSegment, long firstFrame, long lastFrame,
        double peakScore, long peakSegment, double wImageAtPeak, double wEventAtPeak, String model) {
    public static final String OPEN = "open";
    public static final String CLOSE = "close";
}
