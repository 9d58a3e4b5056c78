package org.iefvad.operators;

/**
 * One record of the frames topic as read, before the image is decoded. Header fields are null when
 * the header is absent; {@code headerProblem} names a header that is present but unreadable, so
 * that the record can become a dead letter with its original bytes instead of failing the source.
 * {@code camera} is "" when the record has no key.
 */
public record FrameRecord(String camera, String topic, int partition, long offset, long kafkaTimestampMs,
        Long frameIndex, Long captureTimeMs, Integer width, Integer height, String headerProblem, byte[] image) {

    /** Event time: the capture time when the record has one, else the broker's timestamp. */
    public long eventTimeMs() {
        return captureTimeMs != null ? captureTimeMs : kafkaTimestampMs;
    }

    /** Where the record came from, for dead-letter reasons. */
    public String origin() {
        return topic + "-" + partition + "@" + offset;
    }
}
