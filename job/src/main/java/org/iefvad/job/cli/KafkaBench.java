package org.iefvad.job.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.iefvad.job.KafkaJob;
import org.iefvad.job.LocalExecution;
import org.iefvad.job.StreamSettings;
import org.iefvad.model.FrameReader;
import org.iefvad.model.VideoFrame;
import org.iefvad.operators.FrameRecordFormat;
import org.iefvad.operators.FrameRecordFormat.ImageFormat;
import org.iefvad.operators.KafkaConnectors;
import org.iefvad.operators.ModelEncoderFactory;
import org.iefvad.operators.ModelRef;

/**
 * The Kafka job under load: for each camera count, a fresh unbounded job on its own topics; the
 * video's frames (JPEG, encoded once beforehand so that publishing costs nothing measurable) are
 * sent round-robin over the cameras as fast as the broker takes them, while a read_committed
 * consumer notes when each score becomes visible. Latency runs from the send of a segment's last
 * frame to that moment, so it includes the backlog of a saturated job and the wait for the
 * checkpoint that commits the score; one clock (this JVM's) measures both ends.
 */
final class KafkaBench {
    private KafkaBench() {}

    record Result(int cameras, int framesPerCamera, long segments, double seconds, double p50Ms, double p99Ms) {}

    static List<Result> run(Path video, ModelRef model, String bootstrap, List<Integer> cameraCounts, int totalFrames,
            int parallelism, long intervalMs, PrintStream out) throws Exception {
        return run(video, model, bootstrap, cameraCounts, totalFrames, parallelism, intervalMs, null,
                FrameRecordFormat.JPEG_QUALITY, out);
    }

    /**
     * As the other run; {@code fps} not null sends frame i of every camera at i / fps seconds
     * instead of in a burst; the records are JPEG at {@code jpegQuality}.
     */
    static List<Result> run(Path video, ModelRef model, String bootstrap, List<Integer> cameraCounts, int totalFrames,
            int parallelism, long intervalMs, Double fps, float jpegQuality, PrintStream out) throws Exception {
        int maxPer = 0;
        for (int n : cameraCounts) {
            maxPer = Math.max(maxPer, perCamera(totalFrames, n));
        }
        List<byte[]> jpegs = new ArrayList<>();
        try (FrameReader r = FrameReader.open(video)) {
            VideoFrame f;
            while (jpegs.size() < maxPer && (f = r.next()) != null) {
                jpegs.add(FrameRecordFormat.encodeImage(f, ImageFormat.JPEG, jpegQuality));
            }
        }
        if (jpegs.isEmpty()) {
            throw new IllegalArgumentException(video + ": no frames");
        }
        // the floor: what the job's decoder alone manages on one thread for these records
        double decodeFps = 0;
        for (int rep = 0; rep < 2; rep++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < jpegs.size(); i++) {
                FrameRecordFormat.decodeImage(i, jpegs.get(i));
            }
            decodeFps = jpegs.size() / ((System.nanoTime() - t0) / 1e9);
        }
        long avgBytes = jpegs.stream().mapToLong(b -> b.length).sum() / jpegs.size();
        out.printf("kafka bench      %s as JPEG records of quality %.2f (%d bytes on average), parallelism %d, checkpoints "
                + "every %d ms (exactly once: a score is visible when its checkpoint completes), %s%n", video.getFileName(),
                jpegQuality, avgBytes,
                parallelism, intervalMs, fps == null ? "sent in a burst" : "each camera paced at " + fps + " frames/s");
        out.printf("decode JPEG      %8.1f frames/s on one thread (the floor: the job cannot score frames faster "
                + "per decoding core)%n", decodeFps);
        List<Result> results = new ArrayList<>();
        String run = Long.toString(System.currentTimeMillis(), 36);
        for (int n : cameraCounts) {
            Result res = once(model, bootstrap, n, perCamera(totalFrames, n), jpegs, parallelism, intervalMs, fps,
                    "bench-" + run + "-" + n);
            results.add(res);
            out.printf("%3d cameras x %4d frames: %6.1f segments/s %7.1f frames/s  latency p50 %6.0f ms  p99 %6.0f ms  "
                    + "(%d segments in %.1f s; decode floor %.1f frames/s)%n", n, res.framesPerCamera(),
                    res.segments() / res.seconds(), (double) n * res.framesPerCamera() / res.seconds(), res.p50Ms(),
                    res.p99Ms(), res.segments(), res.seconds(), decodeFps);
        }
        return results;
    }

    /** Whole segments only, so that every segment is scored without waiting for the camera gap. */
    static int perCamera(int totalFrames, int cameras) {
        return Math.max(16, totalFrames / cameras / 16 * 16);
    }

    private static Result once(ModelRef model, String bootstrap, int cameras, int per, List<byte[]> jpegs,
            int parallelism, long intervalMs, Double fps, String prefix) throws Exception {
        String frames = prefix + "-frames", scores = prefix + "-scores", dead = prefix + "-dead";
        KafkaConnectors.ensureTopics(bootstrap, parallelism, List.of(frames, scores, dead));
        Path tmp = Files.createTempDirectory("iefvad-kafka-bench");
        KafkaJob.Settings k = new KafkaJob.Settings(bootstrap, frames, scores, dead, prefix, prefix, 60_000, false,
                parallelism);
        StreamExecutionEnvironment env = LocalExecution.environment(
                KafkaJob.configuration(tmp.resolve("checkpoints"), Duration.ofMillis(intervalMs), false), parallelism);
        KafkaJob.build(env, k, model, new ModelEncoderFactory(model), StreamSettings.defaults());
        long expected = (long) cameras * (per / 16);
        long[][] sentAt = new long[cameras][per];
        ConcurrentHashMap<String, Long> visibleAt = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Exception> readFailed = new AtomicReference<>();
        JobClient job = env.executeAsync("iefvad bench " + cameras + " cameras");
        Thread reader = new Thread(() -> {
            try {
                readScores(bootstrap, scores, visibleAt, stop);
            } catch (Exception e) {
                readFailed.set(e);
            }
        }, "bench-scores-reader");
        reader.start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (job.getJobStatus().get() != JobStatus.RUNNING) {
                check(deadline, job, "start");
                Thread.sleep(50);
            }
            // RUNNING is the job's state, its tasks and the source's partition assignment follow a moment later
            Thread.sleep(3_000);
            Properties p = new Properties();
            p.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.setProperty(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(8 << 20));
            p.setProperty(ProducerConfig.LINGER_MS_CONFIG, "0");
            long first = System.currentTimeMillis();
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                for (int i = 0; i < per; i++) {
                    if (fps != null) {
                        long wait = first + Math.round(i * 1000.0 / fps) - System.currentTimeMillis();
                        if (wait > 0) {
                            Thread.sleep(wait);
                        }
                    }
                    for (int c = 0; c < cameras; c++) {
                        long now = System.currentTimeMillis();
                        sentAt[c][i] = now;
                        producer.send(record(frames, "cam-" + c, i, now, jpegs.get(i % jpegs.size())));
                    }
                }
                producer.flush();
            }
            deadline = System.nanoTime() + Duration.ofSeconds(600).toNanos();
            while (visibleAt.size() < expected) {
                if (readFailed.get() != null) {
                    throw readFailed.get();
                }
                check(deadline, job, visibleAt.size() + " of " + expected + " scores");
                Thread.sleep(20);
            }
            long last = visibleAt.values().stream().mapToLong(Long::longValue).max().orElseThrow();
            double[] lat = new double[visibleAt.size()];
            int j = 0;
            for (var e : visibleAt.entrySet()) {
                String[] cs = e.getKey().split("/");
                int c = Integer.parseInt(cs[0].substring("cam-".length()));
                int lastFrame = Integer.parseInt(cs[1]);
                lat[j++] = e.getValue() - sentAt[c][lastFrame];
            }
            Arrays.sort(lat);
            return new Result(cameras, per, expected, (last - first) / 1000.0, percentile(lat, 0.50),
                    percentile(lat, 0.99));
        } finally {
            stop.set(true);
            reader.join(10_000);
            job.cancel().get();
        }
    }

    private static void check(long deadline, JobClient job, String what) throws Exception {
        JobStatus s = job.getJobStatus().get();
        if (s.isTerminalState()) {
            throw new IllegalStateException("bench job ended (" + s + ") waiting for " + what);
        }
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("bench timed out waiting for " + what);
        }
    }

    static double percentile(double[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String camera, long index, long captureMs,
            byte[] jpeg) {
        RecordHeaders h = new RecordHeaders();
        h.add(FrameRecordFormat.FRAME_INDEX, Long.toString(index).getBytes(StandardCharsets.UTF_8));
        h.add(FrameRecordFormat.CAPTURE_TIME, Long.toString(captureMs).getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(topic, null, captureMs, camera.getBytes(StandardCharsets.UTF_8), jpeg, h);
    }

    /** Notes, per camera/last frame, when each score first becomes visible to read_committed. */
    private static void readScores(String bootstrap, String topic, ConcurrentHashMap<String, Long> visibleAt,
            AtomicBoolean stop) throws Exception {
        ObjectMapper json = new ObjectMapper();
        try (KafkaConsumer<byte[], byte[]> c = org.iefvad.job.CommittedRecords.fromBeginning(bootstrap, topic,
                Map.of(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "20"))) {
            while (!stop.get()) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(20))) {
                    long now = System.currentTimeMillis();
                    JsonNode n = json.readTree(r.value());
                    visibleAt.putIfAbsent(n.get("camera").asText() + "/" + n.get("last_frame").asLong(), now);
                }
            }
        }
    }
}
