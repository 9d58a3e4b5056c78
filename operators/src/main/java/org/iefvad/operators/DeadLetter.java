package org.iefvad.operators;

/**
 * A frame the job set aside instead of failing; {@code reason} says why in words. {@code payload}
 * holds the input record's original value bytes where the job still had them (Kafka input before
 * decoding), so that the frame can be inspected or replayed; null otherwise.
 */
public record DeadLetter(String camera, long index, long timestampMs, String reason, int width, int height,
        byte[] payload) {
    public DeadLetter(String camera, long index, long timestampMs, String reason, int width, int height) {
        this(camera, index, timestampMs, reason, width, height, null);
    }
}
