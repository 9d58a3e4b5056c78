package org.iefvad.job;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.iefvad.operators.Alert;
import org.iefvad.operators.AlertRules;
import org.iefvad.operators.DeadLetter;
import org.iefvad.operators.DeadLetterSerializer;
import org.iefvad.operators.EncoderFactory;
import org.iefvad.operators.JsonRecordSerializer;
import org.iefvad.operators.KafkaConnectors;
import org.iefvad.operators.ModelRef;
import org.iefvad.operators.SegmentScore;

/**
 * The job between Kafka topics: frames in, scores and dead letters out, both exactly once, with
 * RocksDB checkpoints in one folder that a later run with the same folder resumes from.
 */
public final class KafkaJob {
    /**
     * @param bootstrap Kafka's host:port list
     * @param groupId consumer group whose committed offsets a fresh start begins at
     * @param transactionalIdPrefix stable across restarts, so that a restarted job aborts what its
     *     previous run left open; the two sinks append "-scores" and "-dead-letters"
     * @param transactionTimeoutMs below the broker's transaction.max.timeout.ms
     * @param bounded stop at the frames topic's latest offsets at start
     * @param partitions partitions of topics this job creates
     */
    public record Settings(String bootstrap, String framesTopic, String scoresTopic, String deadLetterTopic,
            String groupId, String transactionalIdPrefix, long transactionTimeoutMs, boolean bounded,
            int partitions) {
        public Settings {
            if (transactionTimeoutMs < 1000) {
                throw new IllegalArgumentException("transaction timeout must be at least 1000 ms, got " + transactionTimeoutMs);
            }
            if (partitions < 1) {
                throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
            }
        }

        public List<String> topics() {
            return List.of(framesTopic, scoresTopic, deadLetterTopic);
        }
    }

    /**
     * Alert open and close records per {@code rules} go to {@code topic} (JSON, key camera), exactly
     * once like the scores; the sink's transactional id is the job's prefix plus "-alerts".
     */
    public record Alerts(String topic, AlertRules rules) {
        public Alerts {
            if (topic == null || topic.isBlank()) {
                throw new IllegalArgumentException("alerts topic must not be empty");
            }
            if (rules == null) {
                throw new IllegalArgumentException("alert rules must be given");
            }
        }
    }

    private KafkaJob() {}

    /** Adds the job to {@code env}. */
    public static void build(StreamExecutionEnvironment env, Settings k, ModelRef model, EncoderFactory encoder,
            StreamSettings settings) throws IOException {
        build(env, k, model, encoder, settings, null);
    }

    /**
     * As the other build; with {@code alerts} not null, alerts go to its topic. Dead letters are
     * kept within {@link DeadLetterSerializer#DEFAULT_MAX_RECORD_BYTES}, which any topic with
     * Kafka's default limits takes.
     */
    public static void build(StreamExecutionEnvironment env, Settings k, ModelRef model, EncoderFactory encoder,
            StreamSettings settings, Alerts alerts) throws IOException {
        build(env, k, model, encoder, settings, alerts, DeadLetterSerializer.DEFAULT_MAX_RECORD_BYTES);
    }

    /** As the other build, with dead letters of up to {@code deadLetterMaxBytes} (see {@link #ensureTopics}). */
    public static void build(StreamExecutionEnvironment env, Settings k, ModelRef model, EncoderFactory encoder,
            StreamSettings settings, Alerts alerts, int deadLetterMaxBytes) throws IOException {
        DataStream<SegmentScore> scores = StreamingJob.buildKafka(env,
                KafkaConnectors.frameSource(k.bootstrap(), k.framesTopic(), k.groupId(), k.bounded()),
                model, encoder,
                KafkaConnectors.<SegmentScore>exactlyOnceSink(k.bootstrap(), JsonRecordSerializer.scores(k.scoresTopic()),
                        k.transactionalIdPrefix() + "-scores", k.transactionTimeoutMs()),
                KafkaConnectors.deadLetterSink(k.bootstrap(),
                        new DeadLetterSerializer(k.deadLetterTopic(), deadLetterMaxBytes),
                        k.transactionalIdPrefix() + "-dead-letters", k.transactionTimeoutMs()),
                settings);
        if (alerts != null) {
            StreamingJob.alerts(scores, alerts.rules(), settings.idleGapMs())
                    .sinkTo(KafkaConnectors.<Alert>exactlyOnceSink(k.bootstrap(),
                            JsonRecordSerializer.alerts(alerts.topic()), k.transactionalIdPrefix() + "-alerts",
                            k.transactionTimeoutMs()))
                    .name("alert-sink").uid(StreamingJob.ALERT_SINK_UID).setParallelism(1);
        }
    }

    /**
     * Checkpoints go to {@code checkpoints} and stay there when the job is cancelled or dies; when
     * the folder already holds a completed checkpoint, the job starts from the newest one.
     */
    public static Configuration configuration(Path checkpoints, Duration interval, boolean restart) throws IOException {
        Optional<Path> latest = latestCheckpoint(checkpoints);
        Configuration conf = LocalExecution.configuration(checkpoints, interval, restart);
        conf.setString("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
        latest.ifPresent(p -> conf.setString("execution.state-recovery.path", p.toUri().toString()));
        return conf;
    }

    private static final Pattern CHK = Pattern.compile("chk-(\\d+)");

    /**
     * The newest completed checkpoint under {@code dir} ({@code <job id>/chk-<n>/_metadata}; the
     * metadata file is written last, so its presence means complete): by the metadata's time, then
     * by number.
     */
    public static Optional<Path> latestCheckpoint(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        List<Path> done = new ArrayList<>();
        try (Stream<Path> jobs = Files.list(dir)) {
            for (Path job : jobs.filter(Files::isDirectory).toList()) {
                try (Stream<Path> chks = Files.list(job)) {
                    chks.filter(c -> CHK.matcher(c.getFileName().toString()).matches())
                            .filter(c -> Files.isRegularFile(c.resolve("_metadata")))
                            .forEach(done::add);
                }
            }
        }
        Comparator<Path> byTime = Comparator.comparing(c -> {
            try {
                return Files.getLastModifiedTime(c.resolve("_metadata"));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        return done.stream().max(byTime.thenComparingLong(KafkaJob::number)).map(p -> p.toAbsolutePath().normalize());
    }

    /**
     * Reads the checkpoint's metadata the way the restore will, so that a damaged one fails naming
     * its file rather than as "Could not start the JobMaster". There is no automatic fallback to an
     * older checkpoint: its sinks would commit again what was committed after it.
     */
    static void checkReadable(Path chk) {
        Path metadata = chk.resolve("_metadata");
        try (java.io.DataInputStream in = new java.io.DataInputStream(
                new java.io.BufferedInputStream(Files.newInputStream(metadata)))) {
            org.apache.flink.runtime.checkpoint.Checkpoints.loadCheckpointMetadata(in, KafkaJob.class.getClassLoader(),
                    chk.toString());
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot resume: the newest checkpoint's " + metadata + " is damaged ("
                    + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()) + "). Restore that folder from a backup, or give a new --checkpoints folder to "
                    + "start from the group's committed offsets without per-camera state", e);
        }
    }

    private static long number(Path chk) {
        Matcher m = CHK.matcher(chk.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    /**
     * Creates missing topics, then hands the job to the Flink cluster this program runs under
     * ({@link ClusterExecution}); returns when the job ends, or at once when the client submits
     * detached. Resuming is the cluster's business: its high availability after a crash, a
     * savepoint ({@code flink run -s}, the operator's upgrade) after a stop.
     *
     * @param checkpointUri null for the cluster's {@code execution.checkpointing.dir}
     * @param parallelism null for the cluster's default
     */
    public static JobExecutionResult submit(Settings k, ModelRef model, EncoderFactory encoder, String checkpointUri,
            Duration interval, Integer parallelism, StreamSettings settings, Alerts alerts) throws Exception {
        StreamExecutionEnvironment env = ClusterExecution.environment(
                ClusterExecution.configuration(checkpointUri, interval), parallelism);
        int deadLetterMaxBytes = ensureTopics(k, alerts);
        build(env, k, model, encoder, settings, alerts, deadLetterMaxBytes);
        return env.execute(jobName(k));
    }

    /**
     * Creates the topics that are missing (a dead-letter topic with room for large frames,
     * {@link KafkaConnectors#DEAD_LETTER_TOPIC_MAX_BYTES}) and returns the size of the largest
     * dead letter the dead-letter topic takes, as it is now configured.
     */
    static int ensureTopics(Settings k, Alerts alerts) throws Exception {
        long brokerMax = KafkaConnectors.transactionMaxTimeoutMs(k.bootstrap());
        if (k.transactionTimeoutMs() > brokerMax) {
            throw new IllegalArgumentException("--transaction-timeout-ms " + k.transactionTimeoutMs()
                    + " is above the broker's transaction.max.timeout.ms " + brokerMax + " at " + k.bootstrap()
                    + ": the sinks' producers would be refused at start; lower it or raise the broker's limit");
        }
        List<String> topics = new ArrayList<>(k.topics());
        if (alerts != null) {
            topics.add(alerts.topic());
        }
        List<String> created = KafkaConnectors.ensureTopics(k.bootstrap(), k.partitions(), topics,
                Map.of(k.deadLetterTopic(), Map.of("max.message.bytes",
                        Integer.toString(KafkaConnectors.DEAD_LETTER_TOPIC_MAX_BYTES))));
        if (!created.isEmpty()) {
            System.err.println("iefvad run: created topics " + String.join(", ", created));
        }
        if (created.contains(k.framesTopic())) {
            // a misspelt input topic would otherwise just give no scores
            System.err.println("iefvad run: the frames topic " + k.framesTopic() + " did not exist, so it is empty: "
                    + "check its name if frames were published already");
        }
        // a larger limit than this is allowed but not used: one dead letter need not fill a huge request
        return Math.min(KafkaConnectors.maxMessageBytes(k.bootstrap(), k.deadLetterTopic()), 64 * 1024 * 1024);
    }

    static String jobName(Settings k) {
        return "iefvad run " + k.framesTopic() + " -> " + k.scoresTopic();
    }

    /** Creates missing topics, builds and runs the job in this JVM; returns when it ends (bounded) or fails. */
    public static JobExecutionResult run(Settings k, ModelRef model, EncoderFactory encoder, Path checkpoints,
            Duration interval, int parallelism, StreamSettings settings) throws Exception {
        return run(k, model, encoder, checkpoints, interval, parallelism, settings, null);
    }

    /** As the other run; with {@code alerts} not null, alerts go to its topic (created when missing). */
    public static JobExecutionResult run(Settings k, ModelRef model, EncoderFactory encoder, Path checkpoints,
            Duration interval, int parallelism, StreamSettings settings, Alerts alerts) throws Exception {
        return run(k, model, encoder, checkpoints, interval, parallelism, settings, alerts, ends -> {});
    }

    /**
     * As the other run; once the topics exist, {@code outputEnds} gets the committed end offsets of
     * each output topic (scores, dead letters, alerts), so that the caller can count what this run
     * added.
     */
    public static JobExecutionResult run(Settings k, ModelRef model, EncoderFactory encoder, Path checkpoints,
            Duration interval, int parallelism, StreamSettings settings, Alerts alerts,
            java.util.function.Consumer<Map<String, Map<org.apache.kafka.common.TopicPartition, Long>>> outputEnds)
            throws Exception {
        if (Files.exists(checkpoints) && !Files.isDirectory(checkpoints)) {
            throw new IllegalArgumentException("--checkpoints " + checkpoints + " is a file; it must be a folder");
        }
        Optional<Path> resume = latestCheckpoint(checkpoints);
        if (resume.isPresent() && k.bounded()) {
            // Flink's Kafka connector never ends a bounded source whose enumerator came back from
            // state (FLINK-31006, open): the run would score up to the end offsets and then hang
            throw new IllegalArgumentException("--bounded cannot resume from the checkpoint in " + checkpoints
                    + " (" + resume.get().getFileName() + "): a restored bounded Kafka source never finishes in this "
                    + "Flink version. Run without --bounded to resume (stop it once the scores are in), or give a new "
                    + "--checkpoints folder to start from the group's committed offsets without per-camera state");
        }
        if (resume.isPresent()) {
            checkReadable(resume.get());
        }
        int deadLetterMaxBytes = ensureTopics(k, alerts);
        Map<String, Map<org.apache.kafka.common.TopicPartition, Long>> ends = new java.util.LinkedHashMap<>();
        for (String t : alerts == null ? List.of(k.scoresTopic(), k.deadLetterTopic())
                : List.of(k.scoresTopic(), k.deadLetterTopic(), alerts.topic())) {
            ends.put(t, CommittedRecords.endOffsets(k.bootstrap(), t));
        }
        outputEnds.accept(ends);
        resume.ifPresent(p -> System.err.println("iefvad run: resuming from " + p));
        // a bounded run is expected to finish: a failure ends it instead of replaying forever
        StreamExecutionEnvironment env = LocalExecution.environment(configuration(checkpoints, interval, !k.bounded()),
                parallelism);
        build(env, k, model, encoder, settings, alerts, deadLetterMaxBytes);
        return env.execute(jobName(k));
    }
}
