package org.iefvad.job.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.iefvad.model.FrameReader;
import org.iefvad.model.FusionHead;
import org.iefvad.model.KalmanUpdate;
import org.iefvad.model.ModelConfig;
import org.iefvad.model.ModelFolder;
import org.iefvad.model.PreparedFrame;
import org.iefvad.model.SegmentEmbedding;
import org.iefvad.model.SegmentEncoder;
import org.iefvad.model.SegmentEncoders;
import org.iefvad.model.VideoFrame;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure decode frames/s, encoder and head segments/s on one thread, end-to-end segments/s of the "
                + "streaming job, and the state a camera holds; with --kafka, the Kafka job's segments/s, frames/s and "
                + "latency from frame to committed score for 1, 4, 16 and 64 cameras.")
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--video", paramLabel = "<file>", description = "video (default: vtest.avi)")
    Path video;

    @Mixin
    ModelOption model;

    @Option(names = "--skip-job", description = "only the single-thread stages")
    boolean skipJob;

    @Option(names = "--cameras", defaultValue = "4", description = "cameras (copies of the video) in the end-to-end run (default: ${DEFAULT-VALUE})")
    int cameras;

    @Option(names = "--parallelism", defaultValue = "2", description = "job parallelism in the end-to-end run (default: ${DEFAULT-VALUE})")
    int parallelism;

    @Option(names = "--kafka", description = "instead: the Kafka job for each of --kafka-cameras, with a broker "
            + "started in this process unless --bootstrap names one")
    boolean kafka;

    @Option(names = "--bootstrap", paramLabel = "<host:port>", description = "with --kafka: use this broker (topics bench-*)")
    String bootstrap;

    @Option(names = "--kafka-cameras", defaultValue = "1,4,16,64", split = ",", description = "with --kafka: camera counts (default: ${DEFAULT-VALUE})")
    List<Integer> kafkaCameras;

    @Option(names = "--kafka-frames", defaultValue = "1024", description = "with --kafka: frames per run, split over the "
            + "cameras in whole segments, at least one each (default: ${DEFAULT-VALUE})")
    int kafkaFrames;

    @Option(names = "--checkpoint-interval-ms", defaultValue = "500", description = "with --kafka: checkpoint interval, "
            + "which bounds how soon a score is committed (default: ${DEFAULT-VALUE})")
    long checkpointIntervalMs;

    @Option(names = "--kafka-fps", paramLabel = "<n>", description = "with --kafka: send each camera's frames at this "
            + "rate (default: all in a burst, which measures a saturated job)")
    Double kafkaFps;

    @Option(names = "--jpeg-quality", defaultValue = "0.95", paramLabel = "<0..1>", description = "with --kafka: "
            + "quality of the JPEG records, as publish's option (default: ${DEFAULT-VALUE})")
    float jpegQuality;

    @Override
    public Integer call() throws Exception {
        Path v = video != null ? video : DemoCommand.VTEST;
        if (kafka) {
            if (kafkaFrames < 16 || checkpointIntervalMs < 1 || kafkaCameras.stream().anyMatch(n -> n < 1)
                    || (kafkaFps != null && !(kafkaFps > 0)) || !(jpegQuality > 0 && jpegQuality <= 1)) {
                throw new IllegalArgumentException("--kafka-frames must be >= 16, cameras and the interval positive, "
                        + "--jpeg-quality in (0, 1]");
            }
            if (bootstrap != null) {
                KafkaBench.run(v, model.ref(), bootstrap, kafkaCameras, kafkaFrames, parallelism, checkpointIntervalMs,
                        kafkaFps, jpegQuality, System.out);
                return 0;
            }
            System.err.println("iefvad bench: starting a single-node Kafka broker in this process");
            try (org.iefvad.job.InProcessKafka broker = org.iefvad.job.InProcessKafka.start()) {
                KafkaBench.run(v, model.ref(), broker.bootstrap(), kafkaCameras, kafkaFrames, parallelism,
                        checkpointIntervalMs, kafkaFps, jpegQuality, System.out);
            }
            return 0;
        }
        ModelFolder m = model.load();
        ModelConfig cfg = m.config();
        List<VideoFrame> frames = new ArrayList<>();
        long t0 = 0;
        for (int rep = 0; rep < 2; rep++) { // the first pass warms FFmpeg and the JIT
            frames.clear();
            t0 = System.nanoTime();
            try (FrameReader r = FrameReader.open(v)) {
                VideoFrame f;
                while ((f = r.next()) != null) {
                    frames.add(f);
                }
            }
        }
        double decodeS = (System.nanoTime() - t0) / 1e9;
        double decodeFps = frames.size() / decodeS;
        VideoFrame first = frames.get(0);
        System.out.printf("video            %s: %d frames %dx%d%n", v, frames.size(), first.width(), first.height());
        System.out.printf("decode           %8.1f frames/s  (%.1f segments/s of input)%n", decodeFps, decodeFps / 16);

        int segments = frames.size() / SegmentEncoder.SEGMENT_FRAMES;
        List<SegmentEmbedding> emb = new ArrayList<>();
        long preparedBytes = 0;
        try (SegmentEncoder enc = SegmentEncoders.forModel(m)) {
            for (int rep = 0; rep < 2; rep++) { // first pass warms the JIT
                emb.clear();
                t0 = System.nanoTime();
                for (int s = 0; s < segments; s++) {
                    List<PreparedFrame> seg = new ArrayList<>();
                    for (int i = 0; i < SegmentEncoder.SEGMENT_FRAMES; i++) {
                        PreparedFrame p = enc.prepare(frames.get(s * SegmentEncoder.SEGMENT_FRAMES + i));
                        preparedBytes = p.pixels().length;
                        seg.add(p);
                    }
                    emb.add(enc.encode(seg));
                }
            }
        }
        double encS = (System.nanoTime() - t0) / 1e9;
        try (SegmentEncoder enc = SegmentEncoders.forModel(m)) {
            long p0 = System.nanoTime();
            for (VideoFrame f : frames) {
                enc.prepare(f);
            }
            System.out.printf("prepare only     %8.1f frames/s (gray + downscale, the per-frame part of the encoder)%n", frames.size() / ((System.nanoTime() - p0) / 1e9));
        }
        System.out.printf("encoder (1 core) %8.1f segments/s (prepare + encode; must exceed decode/16 = %.1f)%n",
                segments / encS, decodeFps / 16);

        int ctx = cfg.contextLength();
        int d = cfg.embedDim();
        try (FusionHead head = new FusionHead(m)) {
            double headS = 0;
            for (int rep = 0; rep < 2; rep++) {
                t0 = System.nanoTime();
                KalmanUpdate.State state = null;
                for (int s = 0; s < segments; s++) {
                    int from = Math.max(0, s - ctx + 1);
                    float[][] zx = new float[s - from + 1][];
                    float[][] ze = new float[s - from + 1][];
                    for (int k = from; k <= s; k++) {
                        zx[k - from] = emb.get(k).image();
                        ze[k - from] = emb.get(k).event();
                    }
                    FusionHead.Step step = head.encodeLast(zx, ze);
                    state = state == null ? KalmanUpdate.start(step.fused(), step.variance())
                            : KalmanUpdate.step(state, step.fused(), step.variance(), (float) cfg.kalman().processNoise(),
                                    (float) cfg.epsilon());
                    head.classifyRows(new float[][] {state.mean()});
                }
                headS = (System.nanoTime() - t0) / 1e9;
            }
            System.out.printf("head (1 core)    %8.1f segments/s (context %d segments, D=%d)%n", segments / headS, ctx, d);
        }
        long window = (long) ctx * 2 * d * 4;
        long kalman = 2L * d * 4;
        long assembler = 15 * preparedBytes;
        System.out.printf("state per camera %8d bytes of values: context window %d + Kalman %d + up to %d of a partial segment (15 prepared frames of %d bytes)%n",
                window + kalman + assembler, window, kalman, assembler, preparedBytes);

        if (!skipJob) {
            Path tmp = Files.createTempDirectory("iefvad-bench");
            Path out = tmp.resolve("scores.jsonl");
            t0 = System.nanoTime();
            List<org.iefvad.operators.VideoInput> inputs = new ArrayList<>();
            for (int c = 0; c < cameras; c++) {
                inputs.add(org.iefvad.operators.VideoInput.of("bench-" + c, v));
            }
            RunCommand.runJob(inputs, model.ref(), out.toString(), tmp.resolve("checkpoints"), 2000, null, parallelism);
            double jobS = (System.nanoTime() - t0) / 1e9;
            long lines = Files.readAllLines(out).size();
            System.out.printf("end to end       %8.1f segments/s (%d cameras, parallelism %d: %d segments in %.1f s including "
                    + "job start, %.1f frames/s)%n", lines / jobS, cameras, parallelism, lines, jobS,
                    (double) cameras * frames.size() / jobS);
        }
        return 0;
    }
}
