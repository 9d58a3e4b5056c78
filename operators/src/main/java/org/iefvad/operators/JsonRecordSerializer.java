package org.iefvad.operators;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Kafka records with the same JSON value as {@link JsonLinesSink}'s lines (snake_case fields; byte
 * arrays as base64) and the camera id as key, so that one camera's records share a partition and
 * stay in order. The record timestamp is the time the job writes it, not the frames' capture
 * time: a broker rejects timestamps more than an hour ahead of its clock (Kafka 4's default
 * message.timestamp.after.max.ms), which would fail the exactly-once sink on every attempt for one
 * camera with a fast clock, and it deletes records whose timestamps are older than the topic's
 * retention within minutes, which would silently drop the scores of a backfill of old footage.
 */
public final class JsonRecordSerializer<T> implements KafkaRecordSerializationSchema<T> {
    private final String topic;
    private final SerializableFunction<T, String> key;
    private transient ObjectMapper json;

    public JsonRecordSerializer(String topic, SerializableFunction<T, String> key) {
        this.topic = topic;
        this.key = key;
    }

    public static JsonRecordSerializer<SegmentScore> scores(String topic) {
        return new JsonRecordSerializer<>(topic, SegmentScore::camera);
    }

    public static JsonRecordSerializer<DeadLetter> deadLetters(String topic) {
        return new JsonRecordSerializer<>(topic, DeadLetter::camera);
    }

    public static JsonRecordSerializer<Alert> alerts(String topic) {
        return new JsonRecordSerializer<>(topic, Alert::camera);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
        if (json == null) {
            json = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        }
        try {
            // a null timestamp makes the producer stamp the record with its current time
            return new ProducerRecord<>(topic, null, null, key.apply(element).getBytes(StandardCharsets.UTF_8),
                    json.writeValueAsBytes(element));
        } catch (Exception e) {
            throw new IllegalStateException("cannot write " + element + " as JSON", e);
        }
    }
}
