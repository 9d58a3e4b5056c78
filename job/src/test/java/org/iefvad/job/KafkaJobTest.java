package org.iefvad.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.iefvad.job.cli.PublishCommand;
import org.iefvad.model.FrameReader;
import org.iefvad.model.VideoFrame;
import org.iefvad.operators.FrameRecordFormat;
import org.iefvad.operators.FrameRecordFormat.ImageFormat;
import org.iefvad.operators.KafkaConnectors;
import org.iefvad.operators.ModelEncoderFactory;
import org.iefvad.operators.ModelRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka job against a real single-node KRaft broker in this JVM (Kafka's own server code):
 * frames published as records, the bundled model, exactly-once sinks, output read back with
 * read_committed.
 */
class KafkaJobTest {
    static final int FRAMES = 64;
    static KafkaClusterTestKit kafka;
    static String bootstrap;

    @BeforeAll
    static void startBroker() throws Exception {
        kafka = newBroker();
        bootstrap = kafka.bootstrapServers();
    }

    /** A started single-node KRaft broker (combined controller and broker) in this JVM. */
    static KafkaClusterTestKit newBroker() throws Exception {
        return newBroker(Map.of());
    }

    /** As the other newBroker, with {@code extra} broker settings. */
    static KafkaClusterTestKit newBroker(Map<String, String> extra) throws Exception {
        KafkaClusterTestKit.Builder b = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder().setCombined(true)
                        .setNumBrokerNodes(1).setNumControllerNodes(1).build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                // Some tests use capture times from 2023, and the sinks stamp each record with its
                // capture time. The default 7-day retention then deletes them at the broker's first
                // retention check, 30 s after start: every commit marker (wall-clock time) rolls the
                // segment under the records before it, so committed scores vanished mid-test.
                .setConfigProp("log.retention.ms", "-1")
                // and should anything still be deleted, it happens within a second, not by chance
                .setConfigProp("log.initial.task.delay.ms", "0")
                .setConfigProp("log.retention.check.interval.ms", "1000");
        extra.forEach(b::setConfigProp);
        KafkaClusterTestKit kafka = b.build();
        kafka.format();
        kafka.startup();
        kafka.waitForReadyBrokers();
        return kafka;
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    static Path ped2(String split, String video) {
        return StreamingJobTest.shared().resolve("datasets/ucsd-ped2/frames").resolve(split).resolve(video);
    }

    /** Everything committed in {@code topic}, read with read_committed up to the last stable offset. */
    static List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic) {
        return readCommitted(bootstrap, topic);
    }

    static List<ConsumerRecord<byte[], byte[]>> readCommitted(String bootstrap, String topic) {
        return CommittedRecords.read(bootstrap, topic, Duration.ofSeconds(30));
    }

    static Map<String, List<JsonNode>> byCamera(List<ConsumerRecord<byte[], byte[]>> records) throws Exception {
        ObjectMapper json = new ObjectMapper();
        Map<String, List<JsonNode>> m = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            JsonNode n = json.readTree(r.value());
            assertEquals(n.get("camera").asText(), new String(r.key(), StandardCharsets.UTF_8), "key is the camera");
            m.computeIfAbsent(n.get("camera").asText(), k -> new ArrayList<>()).add(n);
        }
        return m;
    }

    static void assertSegments(String camera, List<JsonNode> rows, long frames) {
        long segments = (frames + 15) / 16;
        assertEquals(segments, rows.size(), camera + ": exactly one score per segment");
        for (int s = 0; s < rows.size(); s++) {
            JsonNode r = rows.get(s);
            assertEquals(s, r.get("segment").asLong(), camera + " in order");
            assertEquals(16L * s, r.get("first_frame").asLong(), camera + " segment " + s);
            assertEquals(Math.min(16L * s + 15, frames - 1), r.get("last_frame").asLong(), camera + " segment " + s);
            double score = r.get("score").asDouble();
            assertTrue(score >= 0 && score <= 1, camera + " score " + score);
        }
    }

    @Test
    void threeCamerasInExactlyOneScorePerSegmentOut(@TempDir Path tmp) throws Exception {
        Map<String, Path> cams = new LinkedHashMap<>();
        cams.put("ped2-test01", ped2("testing", "01"));
        cams.put("ped2-test03", ped2("testing", "03"));
        cams.put("ped2-train01", ped2("training", "01"));
        Map<String, String> formats = Map.of("ped2-test01", "auto", "ped2-test03", "png", "ped2-train01", "jpeg");
        for (Map.Entry<String, Path> e : cams.entrySet()) {
            CommandLineTest.Outcome o = CommandLineTest.iefvad("publish", "--source", e.getValue().toString(), "--camera",
                    e.getKey(), "--bootstrap", bootstrap, "--topic", "e2e-frames", "--limit", "" + FRAMES,
                    "--partitions", "2", "--format", formats.get(e.getKey()));
            assertEquals(0, o.code(), o.err());
            assertTrue(o.out().contains("sent " + FRAMES + " frames"), o.out());
        }
        String[] run = {"run", "--bootstrap", bootstrap, "--frames-topic", "e2e-frames", "--scores-topic", "e2e-scores",
            "--dead-letter-topic", "e2e-dead", "--checkpoints", tmp.resolve("cp").toString(),
            "--checkpoint-interval-ms", "500", "--transaction-timeout-ms", "60000", "--group", "e2e", "--bounded",
            "--parallelism", "2"};
        CommandLineTest.Outcome o = CommandLineTest.iefvad(run);
        assertEquals(0, o.code(), o.err());
        long segments = 3 * ((FRAMES + 15) / 16);
        assertTrue(o.err().contains(": " + segments + " scores, 0 dead letters committed; checkpoints in "), o.err());

        Map<String, List<JsonNode>> scores = byCamera(readCommitted("e2e-scores"));
        assertEquals(cams.keySet(), scores.keySet());
        for (String cam : cams.keySet()) {
            assertSegments(cam, scores.get(cam), FRAMES);
            assertEquals(ModelRef.bundled().load().config().version(), scores.get(cam).get(0).get("model").asText());
        }
        assertEquals(0, readCommitted("e2e-dead").size(), "no frame was set aside");

        // publish sends a folder's JPEG files as they are, so Kafka scores them exactly as file
        // mode does (a second round of JPEG noise raised the bundled model's scores)
        List<Path> files;
        try (java.util.stream.Stream<Path> l = Files.list(cams.get("ped2-test01"))) {
            files = l.sorted().limit(FRAMES).toList();
        }
        List<byte[]> sent = readCommitted("e2e-frames").stream()
                .filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals("ped2-test01")).map(r -> r.value())
                .toList();
        assertEquals(FRAMES, sent.size());
        for (int i = 0; i < FRAMES; i++) {
            assertArrayEquals(Files.readAllBytes(files.get(i)), sent.get(i), "frame " + i + " went as its file's bytes");
        }
        Path fileScores = tmp.resolve("file-mode.jsonl");
        CommandLineTest.Outcome file = CommandLineTest.iefvad("run", "--source", cams.get("ped2-test01").toString(),
                "--camera", "ped2-test01", "--out", fileScores.toString(), "--checkpoints", tmp.resolve("cp-file").toString());
        assertEquals(0, file.code(), file.err());
        List<String> lines = Files.readAllLines(fileScores);
        ObjectMapper json = new ObjectMapper();
        for (JsonNode kafkaRow : scores.get("ped2-test01")) {
            JsonNode fileRow = json.readTree(lines.get(kafkaRow.get("segment").asInt()));
            assertEquals(fileRow.get("score").asDouble(), kafkaRow.get("score").asDouble(), 1e-6,
                    "segment " + kafkaRow.get("segment") + " scores as in file mode");
        }
    }

    @Test
    void unusableRecordsBecomeDeadLettersWithTheirBytesAndTheRestIsScored(@TempDir Path tmp) throws Exception {
        String topic = "dl-frames";
        assertEquals(FRAMES, PublishCommand.publish(ped2("testing", "01"), "good", bootstrap, topic, null,
                ImageFormat.JPEG, FRAMES, 1));
        VideoFrame first;
        try (FrameReader r = FrameReader.open(ped2("training", "01"))) {
            first = r.next();
        }
        byte[] jpeg = FrameRecordFormat.encodeImage(first, ImageFormat.JPEG);
        byte[] garbage = "this is not an image".getBytes(StandardCharsets.UTF_8);
        // fits the frames topic (1 MB by default), but as base64 in JSON it would not fit a default topic
        byte[] hugeGarbage = new byte[900_000];
        new java.util.Random(9).nextBytes(hugeGarbage);
        long now = System.currentTimeMillis();
        Properties p = new Properties();
        p.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.send(raw(topic, "bad-image", garbage, 0L, now));
            producer.send(raw(topic, "no-index", jpeg, null, now));
            producer.send(raw(topic, "huge", hugeGarbage, 0L, now));
            // "back": frames 0, 1, 2, then 1 again
            for (long i : new long[] {0, 1, 2, 1}) {
                producer.send(raw(topic, "back", jpeg, i, now + 100 * i));
            }
            producer.flush();
        }

        KafkaJob.Settings k = new KafkaJob.Settings(bootstrap, topic, "dl-scores", "dl-dead", "dl", "iefvad-dl-test",
                60_000, true, 1);
        ModelRef model = ModelRef.bundled();
        KafkaJob.run(k, model, new ModelEncoderFactory(model), tmp.resolve("cp"), Duration.ofMillis(500), 2,
                StreamSettings.defaults());

        Map<String, List<JsonNode>> dead = byCamera(readCommitted("dl-dead"));
        assertEquals(List.of("back", "bad-image", "huge", "no-index"), List.copyOf(dead.keySet()));
        assertEquals(KafkaConnectors.DEAD_LETTER_TOPIC_MAX_BYTES, KafkaConnectors.maxMessageBytes(bootstrap, "dl-dead"),
                "the job created its dead-letter topic with room for large frames");
        assertArrayEquals(hugeGarbage, Base64.getDecoder().decode(dead.get("huge").get(0).get("payload").asText()),
                "a 900 KB value is kept whole: its 1.2 MB dead letter fits the topic the job made");
        dead.values().forEach(l -> assertEquals(1, l.size(), "one dead letter per unusable record: " + l));
        JsonNode bad = dead.get("bad-image").get(0);
        assertTrue(bad.get("reason").asText().startsWith("undecodable image"), bad.toString());
        assertArrayEquals(garbage, Base64.getDecoder().decode(bad.get("payload").asText()));
        JsonNode noIndex = dead.get("no-index").get(0);
        assertTrue(noIndex.get("reason").asText().startsWith("missing header frame.index"), noIndex.toString());
        assertArrayEquals(jpeg, Base64.getDecoder().decode(noIndex.get("payload").asText()));
        JsonNode back = dead.get("back").get(0);
        assertEquals(1, back.get("index").asLong());
        assertTrue(back.get("reason").asText().contains("not after the camera's last frame 2"), back.toString());

        Map<String, List<JsonNode>> scores = byCamera(readCommitted("dl-scores"));
        assertEquals(List.of("back", "good"), List.copyOf(scores.keySet()));
        assertSegments("good", scores.get("good"), FRAMES);
        assertSegments("back", scores.get("back"), 3);
    }

    @Test
    void readPrintsOnlyCommittedRecordsOnePerLine() throws Exception {
        KafkaConnectors.ensureTopics(bootstrap, 1, List.of("read-topic"));
        Properties p = new Properties();
        p.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.setProperty(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "read-test");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("read-topic", "{\"n\":1}".getBytes(StandardCharsets.UTF_8)));
            producer.send(new ProducerRecord<>("read-topic", "{\"n\":2}".getBytes(StandardCharsets.UTF_8)));
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("read-topic", "{\"n\":3}".getBytes(StandardCharsets.UTF_8)));
            producer.abortTransaction();
        }
        CommandLineTest.Outcome r = CommandLineTest.iefvad("read", "--bootstrap", bootstrap, "--topic", "read-topic");
        assertEquals(0, r.code(), r.err());
        assertEquals("{\"n\":1}\n{\"n\":2}\n", r.out(), "the aborted record is not shown");
        assertTrue(r.err().contains("iefvad read: 2 committed records in read-topic"), r.err());
        CommandLineTest.Outcome missing = CommandLineTest.iefvad("read", "--bootstrap", bootstrap, "--topic", "no-such");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("iefvad read: error: topic no-such does not exist at " + bootstrap),
                missing.err());
    }

    /** Starts the unbounded job, waits until {@code until} committed scores are visible, cancels it. */
    static void runUntil(KafkaJob.Settings k, Path checkpoints, int until) throws Exception {
        ModelRef model = ModelRef.bundled();
        StreamExecutionEnvironment env = LocalExecution.environment(
                KafkaJob.configuration(checkpoints, Duration.ofMillis(300), false), 1);
        KafkaJob.build(env, k, model, new ModelEncoderFactory(model), StreamSettings.defaults());
        JobClient job = env.executeAsync("resume-test");
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (readCommitted(k.scoresTopic()).size() < until) {
                assertTrue(System.nanoTime() < deadline, "no " + until + " committed scores within 60 s");
                assertTrue(!job.getJobStatus().get().isTerminalState(), "job ended: " + job.getJobStatus().get());
                Thread.sleep(200);
            }
        } finally {
            job.cancel().get();
        }
    }

    @Test
    void aCancelledJobResumesFromItsNewestCheckpointWithItsState(@TempDir Path tmp) throws Exception {
        Path cp = tmp.resolve("cp");
        KafkaConnectors.ensureTopics(bootstrap, 1, List.of("rs-frames", "rs-scores", "rs-dead"));
        PublishCommand.publish(ped2("testing", "01"), "a", bootstrap, "rs-frames", null, ImageFormat.JPEG, 32, 1);
        runUntil(new KafkaJob.Settings(bootstrap, "rs-frames", "rs-scores", "rs-dead", "rs-1", "iefvad-rs", 60_000,
                false, 1), cp, 2);
        assertTrue(KafkaJob.latestCheckpoint(cp).isPresent(), "the cancelled job kept its checkpoints");

        // camera a again from frame 0 (already seen: dead letters only if the decoder's state came back),
        // and a new camera b
        PublishCommand.publish(ped2("testing", "01"), "a", bootstrap, "rs-frames", null, ImageFormat.JPEG, 16, 1);
        PublishCommand.publish(ped2("testing", "03"), "b", bootstrap, "rs-frames", null, ImageFormat.JPEG, 32, 1);
        // another group: without the checkpoint's offsets the run would start at the earliest offset
        runUntil(new KafkaJob.Settings(bootstrap, "rs-frames", "rs-scores", "rs-dead", "rs-2", "iefvad-rs", 60_000,
                false, 1), cp, 4);

        Map<String, List<JsonNode>> scores = byCamera(readCommitted("rs-scores"));
        assertSegments("a", scores.get("a"), 32);
        assertSegments("b", scores.get("b"), 32);
        List<JsonNode> dead = byCamera(readCommitted("rs-dead")).get("a");
        assertEquals(16, dead.size(), "every repeated frame of a was set aside");
        assertTrue(dead.get(0).get("reason").asText().contains("not after the camera's last frame 31"),
                dead.get(0).toString());
    }

    @Test
    void alertsGoToTheirTopicOnceOpenedAndOnceClosed(@TempDir Path tmp) throws Exception {
        assertEquals(32, PublishCommand.publish(ped2("testing", "01"), "al", bootstrap, "al-frames", null,
                ImageFormat.JPEG, 32, 1));
        // high 0 and k 1 open at the first segment; low -1 never closes, so the end of the bounded
        // input must close it
        CommandLineTest.Outcome o = CommandLineTest.iefvad("run", "--bootstrap", bootstrap, "--frames-topic",
                "al-frames", "--scores-topic", "al-scores", "--dead-letter-topic", "al-dead", "--alerts-topic",
                "al-alerts", "--alert-rule", "0,1,-1,1", "--checkpoints", tmp.resolve("cp").toString(),
                "--checkpoint-interval-ms", "500", "--group", "al", "--bounded");
        assertEquals(0, o.code(), o.err());
        assertTrue(o.err().contains(": 2 scores, 0 dead letters, 2 alert records committed"), o.err());
        assertSegments("al", byCamera(readCommitted("al-scores")).get("al"), 32);

        List<JsonNode> alerts = byCamera(readCommitted("al-alerts")).get("al");
        assertEquals(2, alerts.size(), "" + alerts);
        JsonNode open = alerts.get(0);
        JsonNode close = alerts.get(1);
        assertEquals("open", open.get("kind").asText());
        assertEquals(0, open.get("first_segment").asLong());
        assertEquals(0, open.get("last_segment").asLong());
        assertEquals("close", close.get("kind").asText());
        assertEquals(0, close.get("first_segment").asLong());
        assertEquals(1, close.get("last_segment").asLong());
        assertEquals(31, close.get("last_frame").asLong());
    }

    @Test
    void aTransactionTimeoutTheBrokerWouldRefuseFailsBeforeTheJobStarts(@TempDir Path tmp) throws Exception {
        // the test broker keeps Kafka's default transaction.max.timeout.ms of 15 min
        assertEquals(900_000, KafkaConnectors.transactionMaxTimeoutMs(bootstrap));
        CommandLineTest.Outcome tooLong = CommandLineTest.iefvad("run", "--bootstrap", bootstrap, "--frames-topic",
                "tt-frames", "--scores-topic", "tt-scores", "--dead-letter-topic", "tt-dead", "--checkpoints",
                tmp.resolve("cp").toString(), "--transaction-timeout-ms", "1000000", "--bounded");
        assertEquals(2, tooLong.code(), tooLong.err());
        assertTrue(tooLong.err().contains("--transaction-timeout-ms 1000000 is above the broker's "
                + "transaction.max.timeout.ms 900000 at " + bootstrap), tooLong.err());
        CommandLineTest.Outcome tooShort = CommandLineTest.iefvad("run", "--bootstrap", bootstrap, "--frames-topic",
                "tt-frames", "--scores-topic", "tt-scores", "--dead-letter-topic", "tt-dead", "--checkpoints",
                tmp.resolve("cp").toString(), "--transaction-timeout-ms", "1500", "--checkpoint-interval-ms", "2000");
        assertEquals(2, tooShort.code(), tooShort.err());
        assertTrue(tooShort.err().contains("--transaction-timeout-ms 1500 must be longer than "
                + "--checkpoint-interval-ms 2000"), tooShort.err());
    }

    @Test
    void alertFilesAndAlertTopicsBelongToTheirOwnMode(@TempDir Path tmp) throws Exception {
        CommandLineTest.Outcome file = CommandLineTest.iefvad("run", "--bootstrap", bootstrap, "--frames-topic", "x",
                "--scores-topic", "y", "--dead-letter-topic", "z", "--checkpoints", tmp.resolve("cp").toString(),
                "--alerts", tmp.resolve("a.jsonl").toString());
        assertEquals(2, file.code());
        assertTrue(file.err().contains("in Kafka mode use --alerts-topic"), file.err());
        CommandLineTest.Outcome topic = CommandLineTest.iefvad("run", "--source", ped2("testing", "01").toString(),
                "--alerts-topic", "a");
        assertEquals(2, topic.code());
        assertTrue(topic.err().contains("--alerts-topic is for Kafka mode"), topic.err());
    }

    static ProducerRecord<byte[], byte[]> raw(String topic, String camera, byte[] value, Long index, long captureMs) {
        RecordHeaders h = new RecordHeaders();
        if (index != null) {
            h.add(FrameRecordFormat.FRAME_INDEX, Long.toString(index).getBytes(StandardCharsets.UTF_8));
        }
        h.add(FrameRecordFormat.CAPTURE_TIME, Long.toString(captureMs).getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(topic, null, captureMs, camera.getBytes(StandardCharsets.UTF_8), value, h);
    }
}
