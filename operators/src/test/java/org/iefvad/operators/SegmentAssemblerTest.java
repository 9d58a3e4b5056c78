package org.iefvad.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.iefvad.model.PreparedFrame;
import org.junit.jupiter.api.Test;

class SegmentAssemblerTest {
    static PreparedCameraFrame frame(String cam, long i, int w, int h) {
        byte[] px = new byte[w * h];
        px[0] = (byte) i;
        return new PreparedCameraFrame(cam, i, i * 100, new PreparedFrame(i, w, h, 1, px));
    }

    @Test
    void cutsSixteensDeadLettersOddSizesAndFlushesTheRestAtTheEnd() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, PreparedCameraFrame, SegmentFrames> h =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(new SegmentAssembler(5_000),
                        PreparedCameraFrame::camera, Types.STRING)) {
            for (long i = 0; i < 35; i++) {
                // frame 20 of camera a has another size; camera b runs interleaved with 18 frames
                h.processElement(frame("a", i, i == 20 ? 6 : 4, 3), i * 100);
                if (i < 18) {
                    h.processElement(frame("b", i, 8, 2), i * 100);
                }
            }
            List<SegmentFrames> before = h.extractOutputValues();
            assertEquals(List.of("a0", "b0", "a1"), before.stream().map(s -> s.camera() + s.segment()).toList());
            SegmentFrames a1 = before.get(2);
            assertEquals(16, a1.frames().size());
            assertEquals(16, a1.firstFrame());
            assertEquals(32, a1.lastFrame(), "frame 20 was set aside, so segment 1 ends one frame later");
            assertTrue(a1.frames().stream().noneMatch(f -> f.index() == 20));
            List<DeadLetter> dead = h.getSideOutput(SegmentAssembler.DEAD_LETTERS).stream().map(StreamRecord::getValue)
                    .collect(Collectors.toList());
            assertEquals(1, dead.size());
            assertEquals("a", dead.get(0).camera());
            assertEquals(20, dead.get(0).index());
            assertTrue(dead.get(0).reason().contains("6x3x1") && dead.get(0).reason().contains("4x3x1"),
                    dead.get(0).reason());
            assertTrue(h.numKeyedStateEntries() > 0);

            h.processWatermark(Long.MAX_VALUE);
            List<SegmentFrames> all = h.extractOutputValues();
            assertEquals(5, all.size());
            SegmentFrames b1 = all.stream().filter(s -> s.camera().equals("b") && s.segment() == 1).findFirst().orElseThrow();
            assertEquals(List.of(16L, 17L), b1.frames().stream().map(PreparedFrame::index).toList());
            SegmentFrames a2 = all.stream().filter(s -> s.camera().equals("a") && s.segment() == 2).findFirst().orElseThrow();
            assertEquals(2, a2.frames().size());
            assertEquals(33, a2.firstFrame());
            assertEquals(34, a2.lastFrame());
            assertEquals(0, h.numKeyedStateEntries(), "no state left after the flush");
            assertEquals(0, h.numEventTimeTimers(), "no timers left after the flush");
        }
    }

    @Test
    void quietCameraFlushesAfterTheGapAndStartsOver() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, PreparedCameraFrame, SegmentFrames> h =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(new SegmentAssembler(1_000),
                        PreparedCameraFrame::camera, Types.STRING)) {
            for (long i = 0; i < 3; i++) {
                h.processElement(frame("a", i, 4, 3), i * 100);
            }
            assertEquals(1, h.numEventTimeTimers(), "one flush timer per camera, moved on each frame");
            h.processWatermark(1_199);
            assertEquals(0, h.extractOutputValues().size(), "200 ms + 1000 ms gap not yet reached");
            h.processWatermark(1_200);
            assertEquals(1, h.extractOutputValues().size());
            assertEquals(3, h.extractOutputValues().get(0).frames().size());
            assertEquals(0, h.numKeyedStateEntries());
            h.processElement(frame("a", 50, 4, 3), 5_000);
            h.processWatermark(Long.MAX_VALUE);
            SegmentFrames again = h.extractOutputValues().get(1);
            assertEquals(0, again.segment());
            assertEquals(50, again.firstFrame());
            assertEquals(0, h.numKeyedStateEntries());
            assertEquals(0, h.numEventTimeTimers());
        }
    }
}
