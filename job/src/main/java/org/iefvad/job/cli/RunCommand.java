package org.iefvad.job.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.iefvad.job.ClusterExecution;
import org.iefvad.job.CommittedRecords;
import org.iefvad.job.KafkaJob;
import org.iefvad.job.LocalExecution;
import org.iefvad.job.StreamSettings;
import org.iefvad.job.StreamingJob;
import org.iefvad.model.FrameReader;
import org.iefvad.operators.Alert;
import org.iefvad.operators.AlertRules;
import org.iefvad.operators.DeadLetter;
import org.iefvad.operators.FrameSource;
import org.iefvad.operators.JsonLinesSink;
import org.iefvad.operators.ModelEncoderFactory;
import org.iefvad.operators.ModelRef;
import org.iefvad.operators.SegmentScore;
import org.iefvad.operators.VideoInput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the streaming job in-process (local Flink MiniCluster, RocksDB state, periodic checkpoints) "
                + "on a video file or a folder of frames (--source; one JSON line per 16-frame segment), "
                + "or between Kafka topics (--bootstrap; scores, dead letters and alerts committed exactly once, "
                + "resuming from the newest checkpoint in --checkpoints).",
                "Kafka mode started by a Flink client (flink run, application mode) goes to that client's cluster instead."})
public final class RunCommand implements Callable<Integer> {
    @Option(names = "--source", paramLabel = "<video | folder>", description = "video file or folder of frames (name order)")
    Path source;

    @Option(names = "--camera", paramLabel = "<id>", description = "camera id (default: the source's file name without extension)")
    String camera;

    @Mixin
    ModelOption model;

    @Option(names = "--out", defaultValue = "-", paramLabel = "<file.jsonl | ->", description = "where scores go (default: standard output)")
    String out;

    @Option(names = "--checkpoints", paramLabel = "<dir | uri>", description = "checkpoint folder (default: a new temporary "
            + "folder); on a Flink cluster a URI every pod reaches (s3://..., default: the cluster's execution.checkpointing.dir)")
    String checkpoints;

    @Option(names = "--checkpoint-interval-ms", defaultValue = "2000", description = "checkpoint interval (default: ${DEFAULT-VALUE})")
    long checkpointIntervalMs;

    @Option(names = "--dead-letters", paramLabel = "<file.jsonl>", description = "frames that could not be used (default: <checkpoints>/../dead-letters.jsonl)")
    Path deadLetters;

    @Option(names = "--alerts", paramLabel = "<file.jsonl>", description = "alert open and close records, one JSON line each (default: no alerts)")
    Path alerts;

    @Option(names = "--alerts-topic", paramLabel = "<topic>", description = "Kafka mode: alert open and close records, "
            + "one JSON record each, keyed by camera, committed exactly once (default: no alerts)")
    String alertsTopic;

    @Option(names = "--alert-rule", paramLabel = "[<camera>=]<high>,<k>,<low>,<m>",
            description = "open after k segments >= high, close after m segments < low; without <camera>= the default "
                    + "for all cameras (default: 0.9,3,0.5,3; tune it, the bundled model's scores saturate near 1); repeatable")
    List<String> alertRules = new ArrayList<>();

    @Option(names = "--bootstrap", paramLabel = "<host:port>", description = "Kafka mode: the brokers (instead of --source)")
    String bootstrap;

    @Option(names = "--frames-topic", paramLabel = "<topic>", description = "Kafka mode: frames in (format: README, Kafka)")
    String framesTopic;

    @Option(names = "--scores-topic", paramLabel = "<topic>", description = "Kafka mode: one JSON record per segment, keyed by camera")
    String scoresTopic;

    @Option(names = "--dead-letter-topic", paramLabel = "<topic>", description = "Kafka mode: unusable frames with the reason and the original bytes")
    String deadLetterTopic;

    @Option(names = "--group", defaultValue = "iefvad", paramLabel = "<id>", description = "Kafka mode: consumer group (default: ${DEFAULT-VALUE})")
    String group;

    @Option(names = "--transactional-id-prefix", paramLabel = "<prefix>", description = "Kafka mode: keep it stable across restarts (default: iefvad-<scores topic>)")
    String transactionalIdPrefix;

    @Option(names = "--transaction-timeout-ms", defaultValue = "60000", description = "Kafka mode: below the broker's transaction.max.timeout.ms (default: ${DEFAULT-VALUE})")
    long transactionTimeoutMs;

    @Option(names = "--partitions", defaultValue = "1", description = "Kafka mode: partitions of topics the job creates (default: ${DEFAULT-VALUE})")
    int partitions;

    @Option(names = "--bounded", description = "Kafka mode: stop at the frames topic's end as of the start, instead of running until stopped")
    boolean bounded;

    @Option(names = "--parallelism", paramLabel = "<n>", description = "Kafka mode: operator parallelism (default: 1 in-process, "
            + "the cluster's parallelism.default on a cluster)")
    Integer parallelism;

    @Option(names = "--camera-gap-ms", defaultValue = "60000", description = "Kafka mode: a camera silent for this long "
            + "(event time, capture-time header) ends its sequence: its partial segment is scored, and it starts again at "
            + "segment 0 with fresh context and Kalman state (default: ${DEFAULT-VALUE})")
    long cameraGapMs;

    @Option(names = "--state-ttl-ms", defaultValue = "600000", description = "Kafka mode: a camera silent for this long "
            + "loses all its state, its last frame index included; at least the gap (default: ${DEFAULT-VALUE})")
    long stateTtlMs;

    /** End offsets of the output topics when the job started (Kafka mode, in-process). */
    private java.util.Map<String, java.util.Map<org.apache.kafka.common.TopicPartition, Long>> outputEnds;

    @Override
    public Integer call() throws Exception {
        if (checkpointIntervalMs < 1) {
            throw new IllegalArgumentException("--checkpoint-interval-ms must be positive, got " + checkpointIntervalMs);
        }
        // rules are checked before anything starts, and a rule that would go nowhere is a mistake
        AlertRules rules = AlertRules.parse(alertRules);
        if (alerts == null && alertsTopic == null && !alertRules.isEmpty()) {
            throw new IllegalArgumentException("--alert-rule needs --alerts <file.jsonl> (or --alerts-topic <topic> in "
                    + "Kafka mode) to write the alerts to");
        }
        if ((source == null) == (bootstrap == null)) {
            throw new IllegalArgumentException("give either --source (a video or folder) or --bootstrap (Kafka), not "
                    + (source == null ? "neither" : "both"));
        }
        if (bootstrap != null) {
            if (alerts != null) {
                throw new IllegalArgumentException("--alerts writes a file in --source mode; in Kafka mode use --alerts-topic");
            }
            return runKafka(rules);
        }
        if (alertsTopic != null) {
            throw new IllegalArgumentException("--alerts-topic is for Kafka mode (--bootstrap); with --source use --alerts");
        }
        return run(source, camera, model.ref(), out, localFolder(checkpoints), checkpointIntervalMs, deadLetters, alerts,
                rules);
    }

    static int run(Path source, String camera, ModelRef model, String out, Path checkpoints, long intervalMs,
            Path deadLetters) throws Exception {
        return run(source, camera, model, out, checkpoints, intervalMs, deadLetters, null, AlertRules.standard());
    }

    /** As the other run; with {@code alerts} not null, alerts per {@code rules} are written there. */
    static int run(Path source, String camera, ModelRef model, String out, Path checkpoints, long intervalMs,
            Path deadLetters, Path alerts, AlertRules rules) throws Exception {
        // open the input once here so that a missing or unreadable video fails with its name before
        // a cluster starts
        try (FrameReader r = FrameReader.open(source)) {
            if (r.next() == null) {
                throw new IllegalArgumentException(source + ": no frames");
            }
        }
        String cam = camera != null ? camera : stem(source.getFileName().toString());
        return runJob(List.of(VideoInput.of(cam, source)), model, out, checkpoints, intervalMs, deadLetters, 1, alerts,
                rules);
    }

    private int runKafka(AlertRules rules) throws Exception {
        boolean cluster = ClusterExecution.active();
        List<String> missing = new java.util.ArrayList<>();
        if (framesTopic == null) missing.add("--frames-topic");
        if (scoresTopic == null) missing.add("--scores-topic");
        if (deadLetterTopic == null) missing.add("--dead-letter-topic");
        if (checkpoints == null && !cluster) missing.add("--checkpoints (kept, so that a restart resumes)");
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("Kafka mode needs " + String.join(", ", missing));
        }
        if (camera != null || !out.equals("-") || deadLetters != null) {
            throw new IllegalArgumentException("--camera, --out and --dead-letters are for --source; in Kafka mode "
                    + "cameras come from the record keys and output goes to --scores-topic and --dead-letter-topic");
        }
        if (parallelism != null && parallelism < 1) {
            throw new IllegalArgumentException("--parallelism must be >= 1, got " + parallelism);
        }
        // every subtask of the in-process cluster takes memory and threads in this one JVM: 1000 ran
        // out of heap after minutes instead of failing at once
        int inProcessMax = Math.max(8, 4 * Runtime.getRuntime().availableProcessors());
        if (!cluster && parallelism != null && parallelism > inProcessMax) {
            throw new IllegalArgumentException("--parallelism " + parallelism + " is more than an in-process run takes ("
                    + inProcessMax + ", 4 per core of this machine); submit the job to a Flink cluster for more");
        }
        if (transactionTimeoutMs <= checkpointIntervalMs) {
            // a transaction stays open from one checkpoint to the next; the broker aborts it when this
            // runs out first, and its scores would be lost at the commit
            throw new IllegalArgumentException("--transaction-timeout-ms " + transactionTimeoutMs
                    + " must be longer than --checkpoint-interval-ms " + checkpointIntervalMs
                    + " (a transaction stays open from one checkpoint to the next)");
        }
        List<String> topics = new java.util.ArrayList<>(List.of(framesTopic, scoresTopic, deadLetterTopic));
        if (alertsTopic != null) {
            topics.add(alertsTopic);
        }
        if (new java.util.HashSet<>(topics).size() < topics.size()) {
            // scores written into the frames topic come back as frames without headers: dead letters forever
            throw new IllegalArgumentException("--frames-topic, --scores-topic, --dead-letter-topic and --alerts-topic "
                    + "must all be different topics, got " + String.join(", ", topics));
        }
        String prefix = transactionalIdPrefix != null ? transactionalIdPrefix : "iefvad-" + scoresTopic;
        KafkaJob.Settings k = new KafkaJob.Settings(bootstrap, framesTopic, scoresTopic, deadLetterTopic, group, prefix,
                transactionTimeoutMs, bounded, partitions);
        ModelRef ref = model.ref();
        // a model that cannot be read fails here, before any topic is created
        ref.load();
        if (cameraGapMs < 1) {
            throw new IllegalArgumentException("--camera-gap-ms must be at least 1, got " + cameraGapMs);
        }
        if (stateTtlMs < cameraGapMs) {
            throw new IllegalArgumentException("--state-ttl-ms " + stateTtlMs + " must be at least --camera-gap-ms "
                    + cameraGapMs + " (a camera's state outlives its sequence)");
        }
        StreamSettings settings = StreamSettings.defaults().withCameraGap(cameraGapMs, stateTtlMs);
        KafkaJob.Alerts alertSink = alertsTopic == null ? null : new KafkaJob.Alerts(alertsTopic, rules);
        long t0 = System.nanoTime();
        if (cluster) {
            System.err.println("iefvad run: submitting to the Flink cluster of this client");
            KafkaJob.submit(k, ref, new ModelEncoderFactory(ref), checkpoints, Duration.ofMillis(checkpointIntervalMs),
                    parallelism, settings, alertSink);
            return 0;
        }
        Path folder = localFolder(checkpoints);
        Thread stopped = new Thread(() -> System.err.println("iefvad run: stopped; the checkpoints in "
                + folder.toAbsolutePath() + " are kept, and a run with the same --checkpoints resumes from the newest"));
        if (!bounded) {
            // an unbounded run ends only by a signal; say what it leaves behind
            Runtime.getRuntime().addShutdownHook(stopped);
        }
        try {
            KafkaJob.run(k, ref, new ModelEncoderFactory(ref), folder, Duration.ofMillis(checkpointIntervalMs),
                    parallelism == null ? 1 : parallelism, settings, alertSink, before -> this.outputEnds = before);
        } catch (Exception e) {
            // a run that fails says why, not that it was stopped
            if (!bounded) {
                Runtime.getRuntime().removeShutdownHook(stopped);
            }
            throw e;
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        // only a bounded run gets here; say what it left, since "done" with nothing written (a group
        // that had read the topic to its end already) looks like success otherwise
        String written = outputEnds == null ? "" : String.format(": %d scores, %d dead letters%s committed",
                CommittedRecords.countSince(bootstrap, scoresTopic, outputEnds.get(scoresTopic), Duration.ofSeconds(30)),
                CommittedRecords.countSince(bootstrap, deadLetterTopic, outputEnds.get(deadLetterTopic),
                        Duration.ofSeconds(30)),
                alertsTopic == null ? "" : ", " + CommittedRecords.countSince(bootstrap, alertsTopic,
                        outputEnds.get(alertsTopic), Duration.ofSeconds(30)) + " alert records");
        System.err.printf("iefvad run: %s -> %s done in %.1f s%s; checkpoints in %s%n", framesTopic, scoresTopic, secs,
                written, folder.toAbsolutePath());
        return 0;
    }

    /** In-process runs keep checkpoints in a local folder; a URI with another scheme is for a cluster. */
    public static Path localFolder(String checkpoints) {
        if (checkpoints == null) {
            return null;
        }
        java.net.URI uri;
        try {
            uri = new java.net.URI(checkpoints);
        } catch (java.net.URISyntaxException e) {
            return Path.of(checkpoints);
        }
        if (uri.getScheme() == null || uri.getScheme().length() == 1) {
            return Path.of(checkpoints);
        }
        if (uri.getScheme().equals("file")) {
            return Path.of(uri);
        }
        throw new IllegalArgumentException("--checkpoints " + checkpoints + ": an in-process run needs a local folder; "
                + uri.getScheme() + ":// storage is for a job submitted to a Flink cluster (flink run, application mode)");
    }

    static String stem(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    /** Runs the job on several cameras at once (bench uses this). */
    static int runJob(List<VideoInput> inputs, ModelRef model, String out, Path checkpoints, long intervalMs,
            Path deadLetters, int parallelism) throws Exception {
        return runJob(inputs, model, out, checkpoints, intervalMs, deadLetters, parallelism, null, AlertRules.standard());
    }

    static int runJob(List<VideoInput> inputs, ModelRef model, String out, Path checkpoints, long intervalMs,
            Path deadLetters, int parallelism, Path alerts, AlertRules rules) throws Exception {
        String cam = inputs.size() == 1 ? inputs.get(0).camera() : inputs.size() + " cameras";
        Path cp = checkpoints != null ? checkpoints : Files.createTempDirectory("iefvad-run").resolve("checkpoints");
        Path dead = deadLetters != null ? deadLetters : cp.toAbsolutePath().resolveSibling("dead-letters.jsonl");
        Sink<SegmentScore> sink = out.equals("-") ? JsonLinesSink.toStdout() : JsonLinesSink.toFile(Path.of(out));
        StreamExecutionEnvironment env = LocalExecution.environment(
                LocalExecution.configuration(cp, Duration.ofMillis(intervalMs), false), parallelism);
        if (alerts == null) {
            StreamingJob.build(env, new FrameSource(inputs), model, new ModelEncoderFactory(model), sink,
                    JsonLinesSink.toFile(dead), StreamSettings.defaults());
        } else {
            StreamingJob.build(env, new FrameSource(inputs), model, new ModelEncoderFactory(model), sink,
                    JsonLinesSink.toFile(dead), StreamSettings.defaults(), rules, JsonLinesSink.<Alert>toFile(alerts));
        }
        long t0 = System.nanoTime();
        env.execute("iefvad run " + cam);
        double secs = (System.nanoTime() - t0) / 1e9;
        long deadCount = Files.exists(dead) ? Files.readAllLines(dead).size() : 0;
        String where = out.equals("-") ? "" : " to " + out + " (" + Files.readAllLines(Path.of(out)).size() + " segments)";
        String alertNote = alerts == null ? ""
                : "; " + (Files.exists(alerts) ? Files.readAllLines(alerts).size() : 0) + " alert records in " + alerts;
        System.err.printf("iefvad run: %s done in %.1f s%s; checkpoints in %s; %d dead letters%s%s%n", cam, secs,
                where, cp.toAbsolutePath(), deadCount, deadCount > 0 ? " in " + dead : "", alertNote);
        return 0;
    }
}
