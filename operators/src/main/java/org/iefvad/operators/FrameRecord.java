package org.iefvad.operators;

/**
 * One record of the frames topic as read, before the image is decoded. Header fields are null when
 * the header is absent; {@code headerProblem} names a header that is present but unreadable, so
 * that the record can become a dead letter with its original bytes instead of failing the source.
 * {@code camera} is "" when the record has no key.
 */
public record FrameRecord(String camera, String topic, int partition, long offset, long kafkaTimestampMs,
        Long frameIndex, Long captureTimeMs, Integer width, Integer height, String headerProblem, byte[] image) {

    /**
     * How far a capture time may run ahead of the record's Kafka timestamp before it counts as a
     * wrong camera clock. A frame cannot be captured after it was sent, so beyond clock skew such a
     * capture time is an error, and taken as event time it would move the partition's watermark on
     * by that much and end every other camera's open sequence there at once.
     */
    public static final long MAX_CLOCK_AHEAD_MS = 60_000;

    /**
     * Event time: the capture time when the record has one, else the Kafka timestamp; also the
     * Kafka timestamp when the capture time is more than {@link #MAX_CLOCK_AHEAD_MS} after it.
     */
    public long eventTimeMs() {
        return captureTimeMs != null && !clockAhead() ? captureTimeMs : kafkaTimestampMs;
    }

    /** Whether the capture time runs ahead of the Kafka timestamp by more than the tolerance. */
    public boolean clockAhead() {
        return captureTimeMs != null && captureTimeMs - kafkaTimestampMs > MAX_CLOCK_AHEAD_MS;
    }

    /** Where the record came from, for dead-letter reasons. */
    public String origin() {
        return topic + "-" + partition + "@" + offset;
    }
}
