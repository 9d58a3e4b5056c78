package org.iefvad.operators;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** The job's Kafka source and exactly-once sinks, and topic creation. */
public final class KafkaConnectors {
    public static final String SOURCE_NAME = "kafka-frames";
    public static final String SOURCE_UID = "kafka-frames-v1";
    /**
     * max.message.bytes of a dead-letter topic the job creates: room for a frame of up to about
     * 6 MB as base64 in JSON. A dead-letter topic that exists already keeps its own limit, which
     * the job reads ({@link #maxMessageBytes}) and respects ({@link DeadLetterSerializer}).
     */
    public static final int DEAD_LETTER_TOPIC_MAX_BYTES = 8 * 1024 * 1024;

    private KafkaConnectors() {}

    /**
     * Frames from {@code topic}, read_committed, from the group's committed offsets (earliest when
     * it has none; after a restore the checkpointed offsets win). {@code bounded}: stop at the
     * offsets that are latest when the job starts, so that a run ends (tests, backfills).
     */
    @SuppressWarnings("deprecation") // OffsetResetStrategy is what this connector version takes
    public static KafkaSource<FrameRecord> frameSource(String bootstrap, String topic, String groupId, boolean bounded) {
        KafkaSourceBuilder<FrameRecord> b = KafkaSource.<FrameRecord>builder()
                .setBootstrapServers(bootstrap)
                .setTopics(topic)
                .setGroupId(groupId)
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new FrameRecordDeserializer())
                .setProperty("isolation.level", "read_committed");
        if (bounded) {
            b.setBounded(OffsetsInitializer.latest());
        }
        return b.build();
    }

    /**
     * Exactly once: records become visible to read_committed consumers when the checkpoint that
     * covers them completes. The transaction timeout must stay below the broker's
     * {@code transaction.max.timeout.ms} (15 min by default) and above the checkpoint interval
     * plus the longest expected outage.
     */
    public static <T> KafkaSink<T> exactlyOnceSink(String bootstrap, KafkaRecordSerializationSchema<T> serializer,
            String transactionalIdPrefix, long transactionTimeoutMs) {
        return exactlyOnceSink(bootstrap, serializer, transactionalIdPrefix, transactionTimeoutMs, new Properties());
    }

    /** The dead-letter sink: its producer takes records as large as its serializer lets through. */
    public static KafkaSink<DeadLetter> deadLetterSink(String bootstrap, DeadLetterSerializer serializer,
            String transactionalIdPrefix, long transactionTimeoutMs) {
        Properties p = new Properties();
        p.setProperty("max.request.size", Integer.toString(Math.max(1_048_576, serializer.maxRecordBytes())));
        return exactlyOnceSink(bootstrap, serializer, transactionalIdPrefix, transactionTimeoutMs, p);
    }

    private static <T> KafkaSink<T> exactlyOnceSink(String bootstrap, KafkaRecordSerializationSchema<T> serializer,
            String transactionalIdPrefix, long transactionTimeoutMs, Properties producer) {
        Properties p = new Properties();
        p.putAll(producer);
        p.setProperty("transaction.timeout.ms", Long.toString(transactionTimeoutMs));
        return KafkaSink.<T>builder()
                .setBootstrapServers(bootstrap)
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(transactionalIdPrefix)
                .setKafkaProducerConfig(p)
                .build();
    }

    /**
     * Creates those of {@code topics} that do not exist ({@code partitions} each, the broker's
     * default replication) and returns their names; errors name the topic.
     */
    public static List<String> ensureTopics(String bootstrap, int partitions, List<String> topics) throws Exception {
        return ensureTopics(bootstrap, partitions, topics, Map.of());
    }

    /** As the other ensureTopics; a topic it creates gets its entry of {@code configs}, if any. */
    public static List<String> ensureTopics(String bootstrap, int partitions, List<String> topics,
            Map<String, Map<String, String>> configs) throws Exception {
        List<String> created = new ArrayList<>();
        try (Admin admin = admin(bootstrap)) {
            Set<String> existing = firstAnswer(admin.listTopics().names(), bootstrap);
            for (String t : new LinkedHashSet<>(topics)) {
                if (existing.contains(t)) {
                    continue;
                }
                try {
                    admin.createTopics(List.of(new NewTopic(t, Optional.of(partitions), Optional.empty())
                                    .configs(configs.getOrDefault(t, Map.of()))))
                            .all().get(30, TimeUnit.SECONDS);
                    created.add(t);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("topic " + t + " does not exist and cannot be created: "
                                + e.getCause().getMessage(), e);
                    }
                }
            }
            awaitLeaders(admin, created);
        }
        return created;
    }

    /**
     * Waits until every partition of new {@code topics} has a leader. createTopics returns before
     * that, and an idempotent producer that writes into a partition still moving to its leader
     * was seen (on a loaded machine) to get NOT_LEADER_OR_FOLLOWER and then retry forever on
     * OUT_OF_ORDER_SEQUENCE_NUMBER.
     */
    private static void awaitLeaders(Admin admin, List<String> topics) throws Exception {
        if (topics.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            boolean ready;
            try {
                ready = admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).values().stream()
                        .allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
            } catch (ExecutionException e) {
                // the broker answering describeTopics may not have the new topic in its metadata yet
                // (seen in CI right after createTopics returned): that is "not ready", not an error
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
                ready = false;
            }
            if (ready) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topics " + String.join(", ", topics)
                        + " were created but have no leader after 30 s");
            }
            Thread.sleep(50);
        }
    }

    /**
     * The smallest {@code transaction.max.timeout.ms} of the cluster's brokers: a producer that asks
     * for a longer transaction timeout is refused (InvalidTxnTimeoutException) when it starts, which
     * an exactly-once sink turns into a restart on every attempt.
     */
    public static long transactionMaxTimeoutMs(String bootstrap) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            List<ConfigResource> brokers = firstAnswer(admin.describeCluster().nodes(), bootstrap).stream()
                    .map(n -> new ConfigResource(ConfigResource.Type.BROKER, n.idString())).toList();
            long min = Long.MAX_VALUE;
            for (Config c : admin.describeConfigs(brokers).all().get(30, TimeUnit.SECONDS).values()) {
                ConfigEntry e = c.get("transaction.max.timeout.ms");
                if (e != null && e.value() != null) {
                    min = Math.min(min, Long.parseLong(e.value()));
                }
            }
            if (min == Long.MAX_VALUE) {
                throw new IllegalStateException("the brokers at " + bootstrap + " report no transaction.max.timeout.ms");
            }
            return min;
        }
    }

    /** The topic's max.message.bytes: the largest record batch the broker accepts for it. */
    public static int maxMessageBytes(String bootstrap, String topic) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config c = admin.describeConfigs(List.of(r)).all().get(30, TimeUnit.SECONDS).get(r);
            ConfigEntry e = c.get("max.message.bytes");
            if (e == null || e.value() == null) {
                throw new IllegalStateException("topic " + topic + " reports no max.message.bytes");
            }
            return Integer.parseInt(e.value());
        }
    }

    /** The answer to the first request to a cluster; not getting one says which cluster and why. */
    private static <T> T firstAnswer(org.apache.kafka.common.KafkaFuture<T> request, String bootstrap) {
        try {
            return request.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // a timeout carries no message: say what it was
            Throwable why = e.getCause() != null ? e.getCause() : e;
            String what = why.getMessage() != null ? why.getMessage()
                    : why instanceof java.util.concurrent.TimeoutException ? "no answer within 30 s"
                    : why.getClass().getSimpleName();
            throw new IllegalStateException("cannot reach Kafka at " + bootstrap + ": " + what, e);
        }
    }

    private static Admin admin(String bootstrap) {
        Properties p = new Properties();
        p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        return Admin.create(p);
    }
}
