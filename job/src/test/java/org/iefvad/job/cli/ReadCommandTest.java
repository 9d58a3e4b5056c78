package org.iefvad.job.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.iefvad.model.VideoFrame;
import org.iefvad.operators.FrameRecordFormat;
import org.iefvad.operators.FrameRecordFormat.ImageFormat;
import org.junit.jupiter.api.Test;

class ReadCommandTest {
    static ConsumerRecord<byte[], byte[]> record(byte[] key, byte[] value, RecordHeaders headers) {
        return new ConsumerRecord<>("t", 1, 7L, 0L, TimestampType.CREATE_TIME, -1, -1, key, value, headers,
                Optional.empty());
    }

    @Test
    void jsonRecordsArePrintedAsTheyAre() {
        String json = "{\"camera\":\"c\",\"segment\":0,\"score\":0.5}";
        assertEquals(json, ReadCommand.line(record("c".getBytes(StandardCharsets.UTF_8),
                json.getBytes(StandardCharsets.UTF_8), new RecordHeaders())));
    }

    @Test
    void aFrameIsDescribedNotDumped() throws Exception {
        VideoFrame f = new VideoFrame(3, 8, 8, new byte[8 * 8 * 3]);
        byte[] jpeg = FrameRecordFormat.encodeImage(f, ImageFormat.JPEG);
        RecordHeaders h = new RecordHeaders();
        h.add(FrameRecordFormat.FRAME_INDEX, "3".getBytes(StandardCharsets.UTF_8));
        assertEquals("{\"origin\":\"t-1@7\",\"key\":\"cam\",\"headers\":{\"frame.index\":\"3\"},\"value_bytes\":"
                + jpeg.length + "}", ReadCommand.line(record("cam".getBytes(StandardCharsets.UTF_8), jpeg, h)));
        assertEquals("{\"origin\":\"t-1@7\",\"key\":null,\"headers\":{},\"value_bytes\":3}",
                ReadCommand.line(record(null, new byte[] {1, 2, 3}, new RecordHeaders())), "control bytes are binary too");
    }
}
