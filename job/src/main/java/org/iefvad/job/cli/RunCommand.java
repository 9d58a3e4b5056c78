package org.iefvad.job.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
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
        description = "Run the streaming job in-process (local Flink MiniCluster, RocksDB state, periodic checkpoints) "
                + "on a video file or a folder of frames; one JSON line per 16-frame segment.")
public final class RunCommand implements Callable<Integer> {
    @Option(names = "--source", required = true, paramLabel = "<video | folder>", description = "video file or folder of frames (name order)")
    Path source;

    @Option(names = "--camera", paramLabel = "<id>", description = "camera id (default: the source's file name without extension)")
    String camera;

    @Mixin
    ModelOption model;

    @Option(names = "--out", defaultValue = "-", paramLabel = "<file.jsonl | ->", description = "where scores go (default: standard output)")
    String out;

    @Option(names = "--checkpoints", paramLabel = "<dir>", description = "checkpoint folder (default: a new temporary folder)")
    Path checkpoints;

    @Option(names = "--checkpoint-interval-ms", defaultValue = "2000", description = "checkpoint interval (default: ${DEFAULT-VALUE})")
    long checkpointIntervalMs;

    @Option(names = "--dead-letters", paramLabel = "<file.jsonl>", description = "frames that could not be used (default: <checkpoints>/../dead-letters.jsonl)")
    Path deadLetters;

    @Option(names = "--alerts", paramLabel = "<file.jsonl>", description = "alert open and close records, one JSON line each (default: no alerts)")
    Path alerts;

    @Option(names = "--alert-rule", paramLabel = "[<camera>=]<high>,<k>,<low>,<m>",
            description = "open after k segments >= high, close after m segments < low; without <camera>= the default "
                    + "for all cameras (default: 0.9,3,0.5,3; tune it, the bundled model's scores saturate near 1); repeatable")
    List<String> alertRules = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (checkpointIntervalMs < 1) {
            throw new IllegalArgumentException("--checkpoint-interval-ms must be positive, got " + checkpointIntervalMs);
        }
        // rules are checked before anything starts, and a rule that would go nowhere is a mistake
        AlertRules rules = AlertRules.parse(alertRules);
        if (alerts == null && !alertRules.isEmpty()) {
            throw new IllegalArgumentException("--alert-rule needs --alerts <file.jsonl> to write the alerts to");
        }
        return run(source, camera, model.ref(), out, checkpoints, checkpointIntervalMs, deadLetters, alerts, rules);
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
