package org.iefvad.job;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads what is committed in a topic, as a consumer of the job's exactly-once output sees it:
 * {@code read_committed}, from the beginning up to the end offsets at the time of the call.
 */
public final class CommittedRecords {
    private CommittedRecords() {}

    public static List<ConsumerRecord<byte[], byte[]>> read(String bootstrap, String topic, Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        Map<String, String> limit = Map.of(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
        try (KafkaConsumer<byte[], byte[]> c = fromBeginning(bootstrap, topic, limit)) {
            List<TopicPartition> parts = List.copyOf(c.assignment());
            // with read_committed the end offsets are the last stable offsets: open transactions
            // neither show nor hold the read back
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading " + topic + " at " + bootstrap + " timed out after " + timeout);
                }
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    /** A read_committed consumer assigned to every partition of {@code topic}, at the beginning; the caller closes it. */
    public static KafkaConsumer<byte[], byte[]> fromBeginning(String bootstrap, String topic, Map<String, String> extra) {
        Properties p = new Properties();
        p.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.putAll(extra);
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> parts;
        try {
            parts = c.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            c.close();
            throw new IllegalStateException("cannot reach Kafka at " + bootstrap + ": no answer within "
                    + p.getProperty(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "60000") + " ms", e);
        }
        if (parts.isEmpty()) {
            c.close();
            throw new IllegalArgumentException("topic " + topic + " does not exist at " + bootstrap);
        }
        c.assign(parts);
        c.seekToBeginning(parts);
        return c;
    }

    /** Where each partition of {@code topic} ends now, as a read_committed consumer sees it. */
    public static Map<TopicPartition, Long> endOffsets(String bootstrap, String topic) {
        try (KafkaConsumer<byte[], byte[]> c = fromBeginning(bootstrap, topic, Map.of())) {
            return c.endOffsets(c.assignment());
        }
    }

    /**
     * How many committed records {@code topic} gained since {@code from} (its earlier
     * {@link #endOffsets}); offsets alone would also count transaction markers and aborted records.
     */
    public static long countSince(String bootstrap, String topic, Map<TopicPartition, Long> from, Duration timeout) {
        long n = 0;
        try (KafkaConsumer<byte[], byte[]> c = fromBeginning(bootstrap, topic, Map.of())) {
            List<TopicPartition> parts = List.copyOf(c.assignment());
            parts.forEach(tp -> c.seek(tp, from.getOrDefault(tp, 0L)));
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("counting " + topic + " at " + bootstrap + " timed out after " + timeout);
                }
                n += c.poll(Duration.ofMillis(200)).count();
            }
        }
        return n;
    }
}
