package org.iefvad.operators;

import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Dead letters as JSON records ({@link JsonRecordSerializer}) that always fit their topic. The
 * original value travels base64-encoded, a third larger than it came, so a frame that was just
 * small enough for the frames topic can make a dead letter too large for the dead-letter topic.
 * The exactly-once sink would then fail on every attempt and the job would restart forever over
 * one bad record. Such a dead letter goes out without its payload instead, and its reason says
 * how many bytes were left out and why.
 */
public final class DeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetter> {
    /**
     * Fits Kafka's defaults (the topic's max.message.bytes of 1048588, the producer's
     * max.request.size of 1048576) with room for the record batch's own bytes.
     */
    public static final int DEFAULT_MAX_RECORD_BYTES = 1_000_000;
    /** Bytes of a record batch besides key and value: the batch header, record framing and timestamps. */
    static final int RECORD_OVERHEAD_BYTES = 512;

    private final JsonRecordSerializer<DeadLetter> json;
    private final int maxRecordBytes;

    /** @param maxRecordBytes the largest record the topic and the producer take */
    public DeadLetterSerializer(String topic, int maxRecordBytes) {
        if (maxRecordBytes <= RECORD_OVERHEAD_BYTES + 1024) {
            throw new IllegalArgumentException("dead-letter records must be allowed more than "
                    + (RECORD_OVERHEAD_BYTES + 1024) + " bytes, got " + maxRecordBytes);
        }
        this.json = JsonRecordSerializer.deadLetters(topic);
        this.maxRecordBytes = maxRecordBytes;
    }

    public int maxRecordBytes() {
        return maxRecordBytes;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(DeadLetter d, KafkaSinkContext context, Long timestamp) {
        ProducerRecord<byte[], byte[]> r = json.serialize(d, context, timestamp);
        if (d.payload() == null || size(r) <= maxRecordBytes) {
            return r;
        }
        DeadLetter slim = new DeadLetter(d.camera(), d.index(), d.timestampMs(), d.reason() + "; its original value of "
                + d.payload().length + " bytes is left out, because with it this dead letter would be larger than the "
                + maxRecordBytes + " bytes the dead-letter topic takes", d.width(), d.height(), null);
        return json.serialize(slim, context, timestamp);
    }

    private static int size(ProducerRecord<byte[], byte[]> r) {
        return r.value().length + (r.key() == null ? 0 : r.key().length) + RECORD_OVERHEAD_BYTES;
    }
}
