package org.iefvad.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.operators.async.AsyncWaitOperatorFactory;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.iefvad.model.PreparedFrame;
import org.iefvad.model.SegmentEmbedding;
import org.iefvad.model.SegmentEncoder;
import org.iefvad.model.VideoFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class SegmentEncodingFunctionTest {
    static final TypeSerializer<SegmentFrames> IN =
            TypeInformation.of(SegmentFrames.class).createSerializer(new SerializerConfigImpl());
    static final ConcurrentLinkedQueue<Integer> BATCHES = new ConcurrentLinkedQueue<>();

    /** TEST ONLY: embeds a segment as its first frame index; records batch sizes. */
    static class IndexEncoder implements SegmentEncoder {
        @Override
        public int embedDim() {
            return 2;
        }

        @Override
        public Map<String, Object> description() {
            return Map.of();
        }

        @Override
        public PreparedFrame prepare(VideoFrame frame) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SegmentEmbedding encode(List<PreparedFrame> frames) {
            float i = frames.get(0).index();
            return new SegmentEmbedding(new float[] {i, frames.size()}, new float[] {-i, 0});
        }

        @Override
        public List<SegmentEmbedding> encodeBatch(List<List<PreparedFrame>> segments) {
            BATCHES.add(segments.size());
            return SegmentEncoder.super.encodeBatch(segments);
        }
    }

    @Test
    @Timeout(60)
    void batchesQueuedSegmentsAndKeepsTheirOrder() throws Exception {
        BATCHES.clear();
        SegmentEncodingFunction fn = new SegmentEncodingFunction(IndexEncoder::new, 4, 300);
        try (OneInputStreamOperatorTestHarness<SegmentFrames, EncodedSegment> h = new OneInputStreamOperatorTestHarness<>(
                new AsyncWaitOperatorFactory<>(fn, 30_000, 16, AsyncDataStream.OutputMode.ORDERED), IN)) {
            h.open();
            for (long s = 0; s < 10; s++) {
                List<PreparedFrame> frames = new ArrayList<>();
                for (long f = 16 * s; f < 16 * s + 3; f++) {
                    frames.add(new PreparedFrame(f, 1, 1, 1, new byte[1]));
                }
                h.processElement(new SegmentFrames("a", s, 16 * s, 16 * s + 2, frames), s);
            }
            h.endInput();
            List<EncodedSegment> out = h.extractOutputValues();
            assertEquals(10, out.size());
            for (int s = 0; s < 10; s++) {
                assertEquals(s, out.get(s).segment());
                assertEquals(16f * s, out.get(s).zx()[0]);
                assertEquals(3f, out.get(s).zx()[1]);
            }
        }
        assertEquals(10, BATCHES.stream().mapToInt(Integer::intValue).sum());
        assertTrue(BATCHES.stream().allMatch(b -> b <= 4), "batches never exceed the maximum: " + BATCHES);
        assertTrue(BATCHES.stream().anyMatch(b -> b > 1), "queued segments share a call: " + BATCHES);
    }
}
