package org.iefvad.operators;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.iefvad.model.VideoFrame;
import org.iefvad.operators.FrameRecordFormat.ImageFormat;
import org.junit.jupiter.api.Test;

class FrameRecordFormatTest {
    static VideoFrame frame(long index) {
        int w = 7, h = 5;
        byte[] bgr = new byte[w * h * 3];
        for (int i = 0; i < bgr.length; i++) {
            bgr[i] = (byte) (i * 37 + index);
        }
        return new VideoFrame(index, w, h, bgr);
    }

    static ConsumerRecord<byte[], byte[]> consumed(ProducerRecord<byte[], byte[]> p) {
        return new ConsumerRecord<>(p.topic(), 0, 42L, p.timestamp(), TimestampType.CREATE_TIME, -1, -1, p.key(),
                p.value(), p.headers(), Optional.empty());
    }

    @Test
    void pngRoundTripIsExactAndHeadersAreDecimal() throws Exception {
        VideoFrame f = frame(12);
        ProducerRecord<byte[], byte[]> p = FrameRecordFormat.encode("t", "cam-1", f, 1_700_000_000_123L, ImageFormat.PNG);
        assertEquals("12", new String(p.headers().lastHeader("frame.index").value(), StandardCharsets.UTF_8));
        assertEquals(1_700_000_000_123L, p.timestamp());
        FrameRecord r = FrameRecordFormat.read(consumed(p));
        assertNull(FrameRecordFormat.problem(r));
        assertEquals("cam-1", r.camera());
        assertEquals(12L, r.frameIndex());
        assertEquals(1_700_000_000_123L, r.eventTimeMs());
        assertEquals(7, r.width());
        assertEquals("t-0@42", r.origin());
        VideoFrame back = FrameRecordFormat.decodeImage(12, r.image());
        assertArrayEquals(f.bgr(), back.bgr());
    }

    @Test
    void jpegKeepsTheSize() throws Exception {
        VideoFrame back = FrameRecordFormat.decodeImage(0, FrameRecordFormat.encodeImage(frame(0), ImageFormat.JPEG));
        assertEquals(7, back.width());
        assertEquals(5, back.height());
    }

    /** A gray gradient with some texture, big enough that JPEG has entropy-coded data to lose. */
    static VideoFrame picture() {
        int w = 96, h = 64;
        byte[] bgr = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                byte v = (byte) (2 * x + y + ((x * y) % 7) * 9);
                for (int c = 0; c < 3; c++) {
                    bgr[3 * (y * w + x) + c] = v;
                }
            }
        }
        return new VideoFrame(0, w, h, bgr);
    }

    @Test
    void aTruncatedJpegIsDamagedNotAHalfGrayFrame() throws Exception {
        byte[] jpeg = FrameRecordFormat.encodeImage(picture(), ImageFormat.JPEG);
        assertEquals(96, FrameRecordFormat.decodeImage(0, jpeg).width(), "the whole file decodes");
        // ImageIO alone returns this with its missing part filled in, and only warns
        byte[] cut = java.util.Arrays.copyOf(jpeg, jpeg.length / 2);
        IOException e = assertThrows(IOException.class, () -> FrameRecordFormat.decodeImage(0, cut));
        assertTrue(e.getMessage().startsWith("damaged JPEG image (") && e.getMessage().contains("premature end"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith(cut.length + " bytes)"), e.getMessage());
    }

    @Test
    void jpegQualityIsTheOneAsked() throws Exception {
        VideoFrame f = picture();
        byte[] low = FrameRecordFormat.encodeImage(f, ImageFormat.JPEG, 0.5f);
        byte[] standard = FrameRecordFormat.encodeImage(f, ImageFormat.JPEG);
        assertArrayEquals(FrameRecordFormat.encodeImage(f, ImageFormat.JPEG, FrameRecordFormat.JPEG_QUALITY), standard);
        assertTrue(low.length < standard.length, low.length + " bytes at 0.5 vs " + standard.length);
        assertTrue(maxDifference(f, low) > maxDifference(f, standard));
        assertThrows(IllegalArgumentException.class, () -> FrameRecordFormat.encodeImage(f, ImageFormat.JPEG, 0f));
    }

    static int maxDifference(VideoFrame f, byte[] jpeg) throws IOException {
        byte[] back = FrameRecordFormat.decodeImage(0, jpeg).bgr();
        int max = 0;
        for (int i = 0; i < back.length; i++) {
            max = Math.max(max, Math.abs((back[i] & 0xff) - (f.bgr()[i] & 0xff)));
        }
        return max;
    }

    @Test
    void problemsAreNamed() throws Exception {
        RecordHeaders h = new RecordHeaders();
        h.add("frame.index", "x1".getBytes(StandardCharsets.UTF_8));
        ProducerRecord<byte[], byte[]> p = new ProducerRecord<>("t", null, 5L, null, new byte[] {1}, h);
        FrameRecord r = FrameRecordFormat.read(consumed(p));
        assertTrue(FrameRecordFormat.problem(r).contains("frame.index is not a decimal number: 'x1'"),
                FrameRecordFormat.problem(r));
        ProducerRecord<byte[], byte[]> noKey = new ProducerRecord<>("t", null, 5L, null, new byte[] {1},
                new RecordHeaders());
        assertEquals("missing key (camera id)", FrameRecordFormat.problem(FrameRecordFormat.read(consumed(noKey))));
        ProducerRecord<byte[], byte[]> noTime = new ProducerRecord<>("t", null, 5L, "c".getBytes(StandardCharsets.UTF_8),
                new byte[] {1}, new RecordHeaders().add("frame.index", "3".getBytes(StandardCharsets.UTF_8)));
        assertEquals("missing header capture.time.ms", FrameRecordFormat.problem(FrameRecordFormat.read(consumed(noTime))));
        ProducerRecord<byte[], byte[]> beforeEpoch = new ProducerRecord<>("t", null, 5L,
                "c".getBytes(StandardCharsets.UTF_8), new byte[] {1}, new RecordHeaders()
                        .add("frame.index", "3".getBytes(StandardCharsets.UTF_8))
                        .add("capture.time.ms", "-1000".getBytes(StandardCharsets.UTF_8)));
        assertEquals("negative capture.time.ms -1000 (milliseconds since 1970)",
                FrameRecordFormat.problem(FrameRecordFormat.read(consumed(beforeEpoch))));
        assertThrows(IOException.class, () -> FrameRecordFormat.decodeImage(0, new byte[] {1, 2, 3}));
        assertEquals(List.of(ImageFormat.JPEG, ImageFormat.PNG), List.of(ImageFormat.parse("jpg"), ImageFormat.parse("PNG")));
    }

    @Test
    void aCaptureTimeFarAheadOfTheKafkaTimestampIsNotTheEventTime() {
        long sent = 1_700_000_000_000L;
        FrameRecord behind = new FrameRecord("c", "t", 0, 1, sent, 1L, sent - 3_600_000, null, null, null, new byte[1]);
        FrameRecord skewed = new FrameRecord("c", "t", 0, 1, sent, 1L, sent + 60_000, null, null, null, new byte[1]);
        FrameRecord ahead = new FrameRecord("c", "t", 0, 1, sent, 1L, sent + 60_001, null, null, null, new byte[1]);
        FrameRecord none = new FrameRecord("c", "t", 0, 1, sent, 1L, null, null, null, null, new byte[1]);
        assertEquals(sent - 3_600_000, behind.eventTimeMs(), "old footage keeps its capture time");
        assertEquals(sent + 60_000, skewed.eventTimeMs(), "a minute of clock skew is tolerated");
        assertEquals(sent, ahead.eventTimeMs(), "a camera clock further ahead falls back to the Kafka timestamp");
        assertTrue(ahead.clockAhead());
        assertEquals(sent, none.eventTimeMs());
    }
}
