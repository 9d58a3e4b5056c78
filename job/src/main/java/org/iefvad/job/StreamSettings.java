package org.iefvad.job;

import java.time.Duration;

/**
 * Tuning of the streaming job that is not part of the model.
 *
 * @param idleGapMs the camera gap: event time after a camera's last frame at which its sequence
 *     ends (its partial segment is flushed and scored; on its next frame it starts again at
 *     segment 0 with an empty context window and fresh Kalman state, and an open alert closes).
 *     A bounded input flushes everything at its end regardless
 * @param encodeBatch most segments one encoder call takes
 * @param encodeMaxDelayMs how long the encoder waits for a batch to fill
 * @param encodeTimeout how long one segment may take to encode before the job fails
 * @param encodeCapacity segments in flight per encoder instance
 * @param stateTtlMs event time after a camera's last record at which the keyed operators drop all
 *     its state (the decoder's last frame index included); at least the gap
 * @param outOfOrdernessMs Kafka mode: how far capture times may run behind the newest one seen on
 *     a partition before records count as late (the watermark trails by this much)
 * @param sourceIdleMs Kafka mode: a partition that delivers nothing for this long of wall-clock
 *     time stops holding the watermark back, so that silent cameras cannot stall every other one
 */
public record StreamSettings(long idleGapMs, int encodeBatch, long encodeMaxDelayMs, Duration encodeTimeout,
        int encodeCapacity, long stateTtlMs, long outOfOrdernessMs, long sourceIdleMs) {
    public static final long DEFAULT_STATE_TTL_MS = 600_000;
    public static final long DEFAULT_OUT_OF_ORDERNESS_MS = 2_000;
    public static final long DEFAULT_SOURCE_IDLE_MS = 5_000;

    public StreamSettings {
        if (idleGapMs < 0) {
            throw new IllegalArgumentException("camera gap must be >= 0 ms, got " + idleGapMs);
        }
        if (stateTtlMs < idleGapMs) {
            throw new IllegalArgumentException("state time-to-live (" + stateTtlMs + " ms) must be at least the camera gap ("
                    + idleGapMs + " ms)");
        }
        if (outOfOrdernessMs < 0 || sourceIdleMs < 1) {
            throw new IllegalArgumentException("out-of-orderness must be >= 0 and source idleness >= 1 ms");
        }
    }

    /** The settings of before the time-to-live existed: state lives as long as the gap, or 10 min if longer. */
    public StreamSettings(long idleGapMs, int encodeBatch, long encodeMaxDelayMs, Duration encodeTimeout,
            int encodeCapacity) {
        this(idleGapMs, encodeBatch, encodeMaxDelayMs, encodeTimeout, encodeCapacity,
                Math.max(idleGapMs, DEFAULT_STATE_TTL_MS), DEFAULT_OUT_OF_ORDERNESS_MS, DEFAULT_SOURCE_IDLE_MS);
    }

    public static StreamSettings defaults() {
        return new StreamSettings(60_000, 8, 20, Duration.ofMinutes(5), 32);
    }

    public StreamSettings withEncodeBatch(int batch, long maxDelayMs) {
        return new StreamSettings(idleGapMs, batch, maxDelayMs, encodeTimeout, encodeCapacity, stateTtlMs,
                outOfOrdernessMs, sourceIdleMs);
    }

    /** Camera gap and state time-to-live (ms of event time; ttl >= gap). */
    public StreamSettings withCameraGap(long gapMs, long ttlMs) {
        return new StreamSettings(gapMs, encodeBatch, encodeMaxDelayMs, encodeTimeout, encodeCapacity, ttlMs,
                outOfOrdernessMs, sourceIdleMs);
    }

    /** Kafka mode's watermark: bounded out-of-orderness and partition idleness (ms). */
    public StreamSettings withWatermarks(long outOfOrdernessMs, long sourceIdleMs) {
        return new StreamSettings(idleGapMs, encodeBatch, encodeMaxDelayMs, encodeTimeout, encodeCapacity, stateTtlMs,
                outOfOrdernessMs, sourceIdleMs);
    }
}
