package org.iefvad.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.Image;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.iefvad.job.cli.PublishCommand;
import org.iefvad.model.FrameReader;
import org.iefvad.model.VideoFrame;
import org.iefvad.operators.FrameRecordFormat;
import org.iefvad.operators.FrameRecordFormat.ImageFormat;
import org.iefvad.operators.ModelEncoderFactory;
import org.iefvad.operators.ModelRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proof 5 for the dead-letter reasons that {@link KafkaJobTest} does not cover: a single frame of
 * another size within a segment (while a camera whose resolution changes for good starts a new
 * sequence and loses nothing), a missing capture.time.ms, a header that is not a number, a record
 * without key and an empty value. All bad cameras go through one bounded job run on one broker,
 * because a job start costs more than the records; each reason is then checked on its own.
 */
class KafkaDeadLetterReasonsTest {
    static final String FRAMES = "dlr-frames";
    static final String SCORES = "dlr-scores";
    static final String DEAD = "dlr-dead";
    static final int GOOD_FRAMES = 32;
    static final int DEAD_MAX_BYTES = 300_000;
    static byte[] hugeGarbage;

    static KafkaClusterTestKit kafka;
    static String bootstrap;
    static List<VideoFrame> video = new ArrayList<>();
    static byte[] smallJpeg;
    static byte[] truncatedJpeg;
    static byte[] badIndexJpeg;
    static Map<String, List<JsonNode>> dead;
    static Map<String, List<JsonNode>> scores;

    @BeforeAll
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    static void runOnceWithAllBadCameras(@TempDir Path tmp) throws Exception {
        try (FrameReader r = FrameReader.open(KafkaJobTest.ped2("training", "01"))) {
            VideoFrame f;
            while (video.size() < 20 && (f = r.next()) != null) {
                video.add(f);
            }
        }
        assertEquals(360, video.get(0).width(), "the test expects Ped2's 360x240 frames");
        smallJpeg = halfSizeJpeg(video.get(5));
        kafka = KafkaJobTest.newBroker();
        bootstrap = kafka.bootstrapServers();

        assertEquals(GOOD_FRAMES, PublishCommand.publish(KafkaJobTest.ped2("testing", "01"), "good", bootstrap, FRAMES,
                null, ImageFormat.JPEG, GOOD_FRAMES, 1));
        // a dead-letter topic that exists already, with a smaller record limit than the job would choose
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(DEAD, 1, (short) 1)
                    .configs(Map.of("max.message.bytes", Integer.toString(DEAD_MAX_BYTES))))).all().get();
        }
        hugeGarbage = new byte[400_000];
        new java.util.Random(4).nextBytes(hugeGarbage);
        long now = System.currentTimeMillis();
        Properties p = new Properties();
        p.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            // without width/height headers the decoder cannot catch the smaller frame; the assembler must
            for (int i = 0; i < 20; i++) {
                byte[] image = i == 5 ? smallJpeg : jpeg(i);
                producer.send(record("resize", image, Long.toString(i), Long.toString(now + 100L * i)));
            }
            for (int i = 0; i < 20; i++) {
                byte[] image = i < 10 ? jpeg(i) : halfSizeJpeg(video.get(i));
                producer.send(record("switch", image, Long.toString(i), Long.toString(now + 100L * i)));
            }
            // a camera whose clock runs 3 hours fast, in the middle of the others: it is scored, its
            // scores carry no timestamp the broker refuses (1 hour ahead by default), and taken as
            // event time its capture times would have moved the watermark 3 hours on and cut the
            // cameras after it in two (seen 3 runs of 3 before FrameRecord.MAX_CLOCK_AHEAD_MS)
            for (int i = 0; i < 9; i++) {
                producer.send(record("fast-clock", jpeg(i), Long.toString(i),
                        Long.toString(now + 3 * 3_600_000L + 100L * i)));
            }
            // each of these cameras: good frames 0..3, the bad record as frame 4, good frames 5..8
            Map<String, Bad> bad = new LinkedHashMap<>();
            bad.put("no-capture", new Bad(jpeg(4), "4", null));
            bad.put("bad-number", new Bad(jpeg(4), "4", "12:00:00.400"));
            bad.put("empty", new Bad(new byte[0], "4", Long.toString(now + 400)));
            bad.put("huge", new Bad(hugeGarbage, "4", Long.toString(now + 400)));
            truncatedJpeg = java.util.Arrays.copyOf(jpeg(4), jpeg(4).length * 2 / 3);
            bad.put("truncated", new Bad(truncatedJpeg, "4", Long.toString(now + 400)));
            bad.put("before-1970", new Bad(jpeg(4), "4", "-1000"));
            for (Map.Entry<String, Bad> e : bad.entrySet()) {
                for (int i = 0; i < 9; i++) {
                    producer.send(i == 4 ? record(e.getKey(), e.getValue().value, e.getValue().index,
                            e.getValue().capture) : record(e.getKey(), jpeg(i), Long.toString(i),
                            Long.toString(now + 100L * i)));
                }
            }
            producer.send(record(null, jpeg(0), "0", Long.toString(now)));
            producer.flush();
        }

        KafkaJob.Settings k = new KafkaJob.Settings(bootstrap, FRAMES, SCORES, DEAD, "dlr", "iefvad-dlr", 60_000,
                true, 1);
        ModelRef model = ModelRef.bundled();
        KafkaJob.run(k, model, new ModelEncoderFactory(model), tmp.resolve("cp"), Duration.ofMillis(500), 2,
                StreamSettings.defaults());
        dead = KafkaJobTest.byCamera(KafkaJobTest.readCommitted(bootstrap, DEAD));
        scores = KafkaJobTest.byCamera(KafkaJobTest.readCommitted(bootstrap, SCORES));
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    record Bad(byte[] value, String index, String capture) {}

    static byte[] jpeg(int i) throws Exception {
        return FrameRecordFormat.encodeImage(video.get(i), ImageFormat.JPEG);
    }

    static byte[] halfSizeJpeg(VideoFrame f) throws Exception {
        BufferedImage full = ImageIO.read(new java.io.ByteArrayInputStream(
                FrameRecordFormat.encodeImage(f, ImageFormat.PNG)));
        BufferedImage half = new BufferedImage(f.width() / 2, f.height() / 2, BufferedImage.TYPE_3BYTE_BGR);
        half.getGraphics().drawImage(full.getScaledInstance(half.getWidth(), half.getHeight(), Image.SCALE_FAST), 0,
                0, null);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(half, "jpg", out));
        return out.toByteArray();
    }

    /** A frames-topic record with exactly the headers given (null: header absent, key absent). */
    static ProducerRecord<byte[], byte[]> record(String camera, byte[] value, String index, String capture) {
        RecordHeaders h = new RecordHeaders();
        if (index != null) {
            h.add(FrameRecordFormat.FRAME_INDEX, index.getBytes(StandardCharsets.UTF_8));
        }
        if (capture != null) {
            h.add(FrameRecordFormat.CAPTURE_TIME, capture.getBytes(StandardCharsets.UTF_8));
        }
        return new ProducerRecord<>(FRAMES, null, null,
                camera == null ? null : camera.getBytes(StandardCharsets.UTF_8), value, h);
    }

    static JsonNode onlyDeadLetter(String camera) {
        List<JsonNode> l = dead.get(camera);
        assertNotNull(l, "no dead letter for " + camera + "; dead letters: " + dead);
        assertEquals(1, l.size(), camera + ": one dead letter per unusable record: " + l);
        return l.get(0);
    }

    static void assertPayload(byte[] expected, JsonNode letter) {
        assertTrue(letter.hasNonNull("payload"), "the original bytes are kept: " + letter);
        assertArrayEquals(expected, Base64.getDecoder().decode(letter.get("payload").asText()));
    }

    /** The 8 good frames 0..3, 5..8 of a camera whose frame 4 was set aside make one partial segment. */
    static void assertRestScored(String camera) {
        List<JsonNode> s = scores.get(camera);
        assertNotNull(s, camera + " has no scores");
        assertEquals(1, s.size(), camera + ": " + s);
        assertEquals(0, s.get(0).get("first_frame").asLong());
        assertEquals(8, s.get(0).get("last_frame").asLong());
    }

    static void assertGoodCameraComplete() {
        KafkaJobTest.assertSegments("good", scores.get("good"), GOOD_FRAMES);
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void aFrameWhoseSizeChangesWithinASegmentIsSetAsideAndTheOthersAreScored() {
        JsonNode d = onlyDeadLetter("resize");
        assertEquals(5, d.get("index").asLong());
        assertTrue(d.get("reason").asText().startsWith("frame size 180x120"), d.toString());
        assertTrue(d.get("reason").asText().contains("differs from the sequence's 360x240x1 at segment 0, and the next "
                + "frame, 6, has the sequence's size again"), d.toString());
        assertPayload(smallJpeg, d);
        List<JsonNode> s = scores.get("resize");
        assertEquals(2, s.size(), "19 frames of the same size make one full and one partial segment: " + s);
        assertEquals(0, s.get(0).get("first_frame").asLong());
        assertEquals(16, s.get(0).get("last_frame").asLong(), "frame 5 left out, so frame 16 completes segment 0");
        assertEquals(17, s.get(1).get("first_frame").asLong());
        assertEquals(19, s.get(1).get("last_frame").asLong());
        assertGoodCameraComplete();
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void aCameraThatChangesResolutionForGoodStartsANewSequenceAndLosesNoFrame() {
        assertTrue(!dead.containsKey("switch"), "no frame set aside: " + dead.get("switch"));
        List<JsonNode> s = scores.get("switch");
        assertEquals(2, s.size(), "the 10 frames of each size make one partial segment each: " + s);
        assertEquals(List.of(0L, 0L), s.stream().map(n -> n.get("segment").asLong()).toList(),
                "the new size starts a new sequence at segment 0 (fresh context window and Kalman state)");
        assertEquals(List.of(0L, 9L, 10L, 19L), List.of(s.get(0).get("first_frame").asLong(),
                s.get(0).get("last_frame").asLong(), s.get(1).get("first_frame").asLong(),
                s.get(1).get("last_frame").asLong()));
        assertGoodCameraComplete();
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void aRecordWithoutCaptureTimeIsSetAsideWithItsBytes() throws Exception {
        JsonNode d = onlyDeadLetter("no-capture");
        assertTrue(d.get("reason").asText().startsWith("missing header capture.time.ms ("), d.toString());
        assertTrue(d.get("reason").asText().contains(FRAMES + "-0@"), "the reason says where: " + d);
        assertEquals(4, d.get("index").asLong());
        assertPayload(jpeg(4), d);
        assertRestScored("no-capture");
        assertGoodCameraComplete();
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void aHeaderThatIsNotADecimalNumberIsSetAsideWithItsBytes() throws Exception {
        JsonNode d = onlyDeadLetter("bad-number");
        assertTrue(d.get("reason").asText().startsWith(
                "header capture.time.ms is not a decimal number: '12:00:00.400' ("), d.toString());
        assertPayload(jpeg(4), d);
        assertRestScored("bad-number");
        assertGoodCameraComplete();
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void aRecordWithoutKeyIsSetAsideWithItsBytes() throws Exception {
        JsonNode d = onlyDeadLetter("");
        assertTrue(d.get("reason").asText().startsWith("missing key (camera id) ("), d.toString());
        assertPayload(jpeg(0), d);
        assertTrue(!scores.containsKey(""), "a record without camera is never scored");
        assertGoodCameraComplete();
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void aDeadLetterTooLargeForAnExistingTopicGoesOutWithoutItsBytesAndTheJobCarriesOn() {
        JsonNode d = onlyDeadLetter("huge");
        assertEquals(4, d.get("index").asLong());
        assertTrue(d.get("reason").asText().startsWith("undecodable image"), d.toString());
        assertTrue(d.get("reason").asText().endsWith("its original value of 400000 bytes is left out, because with it "
                + "this dead letter would be larger than the 300000 bytes the dead-letter topic takes"), d.toString());
        assertTrue(d.get("payload") == null || d.get("payload").isNull(), "no payload");
        assertRestScored("huge");
        assertGoodCameraComplete();
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void aCameraWhoseClockRunsHoursAheadIsScoredAndBlocksNoCommit() {
        assertTrue(!dead.containsKey("fast-clock"), "no dead letter: " + dead.get("fast-clock"));
        KafkaJobTest.assertSegments("fast-clock", scores.get("fast-clock"), 9);
        assertGoodCameraComplete();
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void anEmptyValueIsSetAside() {
        JsonNode d = onlyDeadLetter("empty");
        assertTrue(d.get("reason").asText().startsWith("empty value (no image) ("), d.toString());
        assertEquals(4, d.get("index").asLong());
        // an empty value may be kept as "" or as null; either way no bytes are invented
        JsonNode payload = d.get("payload");
        assertTrue(payload == null || payload.isNull() || payload.asText().isEmpty(), d.toString());
        assertRestScored("empty");
        assertGoodCameraComplete();
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void aTruncatedJpegIsSetAsideWithItsBytesNotScoredHalfGray() {
        JsonNode d = onlyDeadLetter("truncated");
        assertTrue(d.get("reason").asText().startsWith("undecodable image: damaged JPEG image ("), d.toString());
        assertTrue(d.get("reason").asText().contains("premature end"), d.toString());
        assertPayload(truncatedJpeg, d);
        assertRestScored("truncated");
        assertGoodCameraComplete();
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void aCaptureTimeBefore1970IsSetAsideWithItsBytes() throws Exception {
        JsonNode d = onlyDeadLetter("before-1970");
        assertTrue(d.get("reason").asText().startsWith("negative capture.time.ms -1000 (milliseconds since 1970) ("),
                d.toString());
        assertPayload(jpeg(4), d);
        assertRestScored("before-1970");
        assertGoodCameraComplete();
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void nothingElseWasSetAsideOrLost() {
        assertEquals(List.of("", "bad-number", "before-1970", "empty", "huge", "no-capture", "resize", "truncated"),
                List.copyOf(dead.keySet()));
        assertEquals(List.of("bad-number", "before-1970", "empty", "fast-clock", "good", "huge", "no-capture", "resize",
                "switch", "truncated"), List.copyOf(scores.keySet()));
    }
}
