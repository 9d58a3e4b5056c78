package org.iefvad.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.iefvad.model.FrameReader;
import org.iefvad.model.VideoFrame;
import org.iefvad.operators.AlertFunction;
import org.iefvad.operators.AlertRule;
import org.iefvad.operators.AlertRules;
import org.iefvad.operators.ContextWindowFunction;
import org.iefvad.operators.FrameRecordDecoder;
import org.iefvad.operators.FrameRecordFormat;
import org.iefvad.operators.FrameRecordFormat.ImageFormat;
import org.iefvad.operators.KafkaConnectors;
import org.iefvad.operators.KalmanFusionFunction;
import org.iefvad.operators.ModelEncoderFactory;
import org.iefvad.operators.ModelRef;
import org.iefvad.operators.SegmentAssembler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Camera churn in Kafka mode: cameras that go silent while another camera's capture times move the
 * watermark on get their partial segments scored during the run (camera gap), and a camera that
 * stays away longer than the time-to-live is forgotten (its frame counter may restart), which the
 * job's own RocksDB checkpoints show per keyed operator. The job is unbounded and the frames come
 * in two phases, so nothing here is flushed by the end of the input.
 */
@Timeout(180)
class KafkaCameraChurnTest {
    static final long B = 1_700_000_000_000L;
    static final long GAP = 2_000;
    static final long TTL = 5_000;
    static final int CHURN = 20;
    static KafkaClusterTestKit kafka;
    static String bootstrap;

    @BeforeAll
    static void startBroker() throws Exception {
        kafka = KafkaJobTest.newBroker();
        bootstrap = kafka.bootstrapServers();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    record Frame(String camera, long index, long captureMs) {}

    /**
     * Everything committed in {@code topic} so far. Fails when the log no longer starts at offset 0:
     * a read from the beginning would then miss records that were committed once (this is how 3 of
     * 70 scores went missing when the broker's retention deleted them).
     */
    static List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic) {
        try (KafkaConsumer<byte[], byte[]> c = CommittedRecords.fromBeginning(bootstrap, topic, Map.of())) {
            c.beginningOffsets(c.assignment()).forEach((tp, start) -> assertEquals(0L, start,
                    tp + " starts at offset " + start + ": the broker deleted committed records"));
        }
        return CommittedRecords.read(bootstrap, topic, Duration.ofSeconds(30));
    }

    static void publish(String topic, List<Frame> frames, List<byte[]> images) throws Exception {
        Properties p = new Properties();
        p.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        List<Frame> sorted = new ArrayList<>(frames);
        // one partition in capture-time order: the watermark follows the shared clock
        sorted.sort(Comparator.comparingLong(Frame::captureMs));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (Frame f : sorted) {
                producer.send(KafkaJobTest.raw(topic, f.camera(), images.get((int) (f.index() % images.size())),
                        f.index(), f.captureMs()));
            }
            producer.flush();
        }
    }

    /** Waits until at least {@code n} scores are committed and returns them, read while the job still runs. */
    static List<ConsumerRecord<byte[], byte[]>> waitForScores(String topic, int n, JobClient job) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        List<ConsumerRecord<byte[], byte[]>> seen;
        while ((seen = readCommitted(topic)).size() < n) {
            assertTrue(System.nanoTime() < deadline, "only " + seen.size() + " of " + n + " committed scores within 90 s");
            assertTrue(!job.getJobStatus().get().isTerminalState(), "job ended: " + job.getJobStatus().get());
            Thread.sleep(250);
        }
        return seen;
    }

    static void add(List<Frame> to, String cam, long fromIndex, int count, long start, long stepMs) {
        for (int i = 0; i < count; i++) {
            to.add(new Frame(cam, fromIndex + i, start + stepMs * i));
        }
    }

    static List<byte[]> images() throws Exception {
        List<byte[]> images = new ArrayList<>();
        try (FrameReader r = FrameReader.open(KafkaJobTest.ped2("testing", "01"))) {
            VideoFrame f;
            while (images.size() < 48 && (f = r.next()) != null) {
                images.add(FrameRecordFormat.encodeImage(f, ImageFormat.JPEG));
            }
        }
        return images;
    }

    @Test
    void silentCamerasAreFlushedDuringTheRunAndForgottenAfterTheTimeToLive(@TempDir Path tmp) throws Exception {
        List<byte[]> images = images();
        String frames = "churn-frames", scores = "churn-scores", dead = "churn-dead";
        KafkaConnectors.ensureTopics(bootstrap, 1, List.of(frames, scores, dead));

        List<Frame> phase1 = new ArrayList<>();
        for (int c = 0; c < CHURN; c++) {
            // 33..47 frames: two full segments and a partial one, then silence
            add(phase1, "cam-" + c, 0, 33 + c % 15, B + 300L * c, 40);
        }
        add(phase1, "back-gap", 0, 20, B, 40);
        add(phase1, "back-gap", 20, 20, B + 4_000, 40); // 3.2 s later: past the gap, within the TTL
        add(phase1, "back-ttl", 0, 20, B, 40);
        add(phase1, "clock", 0, 21, B, 500); // to B + 10 s: past every churn camera's last frame + gap
        List<Frame> phase2 = new ArrayList<>();
        add(phase2, "back-ttl", 0, 20, B + 12_000, 40); // same frames again, after the TTL
        add(phase2, "clock", 21, 20, B + 10_500, 500);

        KafkaJob.Settings k = new KafkaJob.Settings(bootstrap, frames, scores, dead, "churn", "iefvad-churn", 60_000,
                false, 1);
        ModelRef model = ModelRef.bundled();
        StreamExecutionEnvironment env = LocalExecution.environment(
                KafkaJob.configuration(tmp.resolve("cp"), Duration.ofMillis(300), false), 1);
        KafkaJob.build(env, k, model, new ModelEncoderFactory(model),
                StreamSettings.defaults().withCameraGap(GAP, TTL).withWatermarks(100, 1_000));
        JobClient job = env.executeAsync("churn-test");
        List<ConsumerRecord<byte[], byte[]>> committed;
        int deadLetters;
        try {
            publish(frames, phase1, images);
            // 20 x 3 churn segments, back-gap 2 sequences x 2, back-ttl 2, clock 1
            waitForScores(scores, 3 * CHURN + 4 + 2 + 1, job);
            publish(frames, phase2, images);
            committed = waitForScores(scores, 3 * CHURN + 4 + 2 + 1 + 2 + 1, job);
            Thread.sleep(1_000); // a few more checkpoints: anything scored twice would show now
            committed = readCommitted(scores);
            deadLetters = readCommitted(dead).size();
        } finally {
            job.cancel().get();
        }
        // the cancel aborts the open transaction, which holds no score: all 70 were committed before
        assertEquals(values(committed), values(readCommitted(scores)), "committed scores before and after the cancel");

        ObjectMapper json = new ObjectMapper();
        List<JsonNode> rows = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : committed) {
            rows.add(json.readTree(r.value()));
        }
        assertEquals(70, rows.size(), "one score per segment");
        Map<String, List<JsonNode>> byCam = KafkaJobTest.byCamera(committed);
        int partial = 0;
        for (JsonNode r : rows) {
            if (r.get("last_frame").asLong() - r.get("first_frame").asLong() + 1 < 16) {
                partial++;
            }
        }
        System.out.println("camera churn: " + rows.size() + " committed scores, " + partial
                + " partial segments flushed by the camera gap while the job ran");
        assertEquals(CHURN + 2 + 2, partial, "every silent camera's partial segment, scored before the input ended");
        for (int c = 0; c < CHURN; c++) {
            List<JsonNode> l = byCam.get("cam-" + c);
            assertEquals(3, l.size(), "cam-" + c);
            assertEquals(2, l.get(2).get("segment").asLong());
            assertEquals(32 + c % 15, l.get(2).get("last_frame").asLong());
        }
        assertEquals(List.of("0:0-15", "1:16-19", "0:20-35", "1:36-39"), ranges(byCam.get("back-gap")),
                "after the gap a new sequence starts at segment 0");
        List<JsonNode> back = byCam.get("back-ttl");
        assertEquals(List.of("0:0-15", "1:16-19", "0:0-15", "1:16-19"), ranges(back),
                "after the TTL the camera's frame counter may start again");
        assertEquals(back.get(0).get("score").asDouble(), back.get(2).get("score").asDouble(), 1e-5,
                "the same frames with fresh context and Kalman state score the same");
        assertEquals(List.of("0:0-15", "1:16-31"), ranges(byCam.get("clock")), "the clock's partial segment is never flushed");
        assertEquals(CHURN + 3, byCam.size(), "cameras with scores: " + byCam.keySet());
        assertEquals(0, deadLetters, "the restarted counter was not taken for a replay");
    }

    /** Partition, offset and value of each record, in order: what a consumer of the topic gets. */
    static List<String> values(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> r.partition() + "@" + r.offset() + " " + new String(r.value(),
                StandardCharsets.UTF_8)).toList();
    }

    /**
     * The time-to-live at job level, counted in the job's own checkpoints: 20 cameras send one full
     * segment and a partial one, then go silent while a clock camera moves the watermark on. Each
     * keyed operator's state in the RocksDB checkpoint is read back with the State Processor API.
     * Before the watermark passes the gap, every operator holds all 21 cameras; once it has passed
     * every churn camera's last record plus the TTL, only cameras seen within it are left.
     */
    @Test
    void checkpointsKeepStateOnlyForCamerasSeenWithinTheTimeToLive(@TempDir Path tmp) throws Exception {
        List<byte[]> images = images();
        String frames = "ttl-frames", scores = "ttl-scores", dead = "ttl-dead", alerts = "ttl-alerts";
        KafkaConnectors.ensureTopics(bootstrap, 1, List.of(frames, scores, dead, alerts));
        List<Frame> phase1 = new ArrayList<>();
        List<String> churn = new ArrayList<>();
        for (int c = 0; c < CHURN; c++) {
            churn.add("cam-" + c);
            add(phase1, "cam-" + c, 0, 20, B + 10L * c, 40); // last frame at B + 950 ms at the latest
        }
        // its segment 0 ends after every churn frame, so its score means they have all been through
        add(phase1, "clock", 0, 16, B, 64);
        List<Frame> phase2 = new ArrayList<>();
        // to B + 13 s: the watermark ends near B + 12.9 s
        add(phase2, "clock", 16, 49, B + 1_000, 250);
        // Its partial segment is flushed at B + 11.62 s, later than any churn camera's cleanup (the
        // context window's, B + 2.95 s + TTL, is the last), so its score means they have all fired.
        add(phase2, "marker", 0, 4, B + 9_500, 40);

        KafkaJob.Settings k = new KafkaJob.Settings(bootstrap, frames, scores, dead, "ttl", "iefvad-ttl", 60_000,
                false, 1);
        ModelRef model = ModelRef.bundled();
        Path cp = tmp.resolve("cp");
        Configuration conf = KafkaJob.configuration(cp, Duration.ofMillis(300), false);
        // the checkpoint from before the TTL is read after the job has gone on and ended
        conf.set(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS, 10_000);
        StreamExecutionEnvironment env = LocalExecution.environment(conf, 1);
        // every score starts an opening run that never completes: the alert operator keeps state
        // for each camera with a score, until its gap
        KafkaJob.build(env, k, model, new ModelEncoderFactory(model),
                StreamSettings.defaults().withCameraGap(GAP, TTL).withWatermarks(100, 1_000),
                new KafkaJob.Alerts(alerts, AlertRules.of(new AlertRule(0.0, 1_000, -1.0, 1))));
        JobClient job = env.executeAsync("ttl-test");
        Path before;
        Path after;
        int committed;
        try {
            publish(frames, phase1, images);
            waitForScores(scores, CHURN + 1, job);
            before = checkpointsLater(cp, 2, job);
            publish(frames, phase2, images);
            // + 20 partial segments, clock segments 1 to 3, the marker's partial segment
            waitForScores(scores, 2 * CHURN + 5, job);
            after = checkpointsLater(cp, 2, job);
            committed = readCommitted(scores).size();
        } finally {
            job.cancel().get();
        }
        assertEquals(2 * CHURN + 5, committed, "one score per segment");

        Map<String, Set<String>> kept = CheckpointedCameras.read(before, CheckpointedCameras.KAFKA_JOB);
        Map<String, Set<String>> left = CheckpointedCameras.read(after, CheckpointedCameras.KAFKA_JOB);
        for (CheckpointedCameras.KeyedOperator op : CheckpointedCameras.KAFKA_JOB) {
            System.out.println("state time-to-live: " + op.uid() + " holds " + kept.get(op.uid()).size()
                    + " cameras before the TTL (" + before.getFileName() + "), " + left.get(op.uid()).size() + " after ("
                    + after.getFileName() + "): " + left.get(op.uid()));
        }
        Set<String> all = new TreeSet<>(churn);
        all.add("clock");
        for (CheckpointedCameras.KeyedOperator op : CheckpointedCameras.KAFKA_JOB) {
            assertEquals(all, kept.get(op.uid()), op.uid() + " before the gap and TTL");
        }
        Set<String> active = Set.of("clock", "marker");
        assertEquals(active, left.get(FrameRecordDecoder.UID), "decoder after the TTL");
        assertEquals(Set.of("clock"), left.get(SegmentAssembler.UID),
                "assembler after the TTL: its state goes at the gap, so the flushed marker has none");
        assertEquals(active, left.get(ContextWindowFunction.UID), "context window after the TTL");
        assertEquals(active, left.get(KalmanFusionFunction.UID), "Kalman update after the TTL");
        assertEquals(active, left.get(AlertFunction.UID), "alerts after the TTL");
    }

    private static final Pattern CHK = Pattern.compile("chk-(\\d+)");

    /**
     * The newest completed checkpoint once {@code more} checkpoints have completed after the one
     * that is newest now. Output committed by checkpoint n was processed before n's barrier, but a
     * watermark right behind it may still sit in the async encoder's queue, which the barrier
     * overtakes; a later checkpoint has it everywhere.
     */
    static Path checkpointsLater(Path dir, int more, JobClient job) throws Exception {
        long from = number(KafkaJob.latestCheckpoint(dir).orElseThrow());
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Path latest;
        while (number(latest = KafkaJob.latestCheckpoint(dir).orElseThrow()) < from + more) {
            assertTrue(System.nanoTime() < deadline, "no checkpoint after " + latest + " within 30 s");
            assertTrue(!job.getJobStatus().get().isTerminalState(), "job ended: " + job.getJobStatus().get());
            Thread.sleep(100);
        }
        return latest;
    }

    static long number(Path checkpoint) {
        Matcher m = CHK.matcher(checkpoint.getFileName().toString());
        assertTrue(m.matches(), checkpoint.toString());
        return Long.parseLong(m.group(1));
    }

    static List<String> ranges(List<JsonNode> rows) {
        return rows.stream().map(r -> r.get("segment").asLong() + ":" + r.get("first_frame").asLong() + "-"
                + r.get("last_frame").asLong()).toList();
    }
}
