package org.iefvad.job;

import java.time.Duration;

/**
 * Tuning of the streaming job that is not part of the model.
 *
 * @param idleGapMs event time after a camera's last frame at which its partial segment is flushed
 *     and its state dropped (a bounded input flushes everything at its end regardless)
 * @param encodeBatch most segments one encoder call takes
 * @param encodeMaxDelayMs how long the encoder waits for a batch to fill
 * @param encodeTimeout how long one segment may take to encode before the job fails
 * @param encodeCapacity segments in flight per encoder instance
 */
public record StreamSettings(long idleGapMs, int encodeBatch, long encodeMaxDelayMs, Duration encodeTimeout,
        int encodeCapacity) {
    public static StreamSettings defaults() {
        return new StreamSettings(60_000, 8, 20, Duration.ofMinutes(5), 32);
    }

    public StreamSettings withEncodeBatch(int batch, long maxDelayMs) {
        return new StreamSettings(idleGapMs, batch, maxDelayMs, encodeTimeout, encodeCapacity);
    }
}
