package org.iefvad.model;

/**
 * Synthetic event parameters: a pixel fires when its gray level changes by more than {@code threshold}
 * (on 0..255) between consecutive frames; per-pixel counts are clamped to {@code clamp}.
 */
public record EventConfig(double threshold, int clamp) {
    /** Paper values (SPEC 6); the official script defaults are {@link #OFFICIAL_SCRIPT}. */
    public static final EventConfig DEFAULT = new EventConfig(10, 10);
    public static final EventConfig OFFICIAL_SCRIPT = new EventConfig(25, 16);

    public EventConfig {
        if (!(threshold >= 0) || Double.isInfinite(threshold)) {
            throw new IllegalArgumentException("event threshold must be a finite value >= 0, got " + threshold);
        }
        if (clamp < 1) {
            throw new IllegalArgumentException("event clamp must be >= 1, got " + clamp);
        }
    }
}
