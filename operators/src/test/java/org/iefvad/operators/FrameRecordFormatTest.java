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
