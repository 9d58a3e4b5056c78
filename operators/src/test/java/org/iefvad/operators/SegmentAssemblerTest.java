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
        return new PreparedCameraFrame(cam, i, i * 100, new PreparedFrame(i, w, h, 1, px), new byte[] {(byte) i, 42});
    }

    static KeyedOneInputStreamOperatorTestHarness<String, PreparedCameraFrame, SegmentFrames> harness(long gapMs)
            throws Exception {
        return ProcessFunctionTestHarnesses.forKeyedProcessFunction(new SegmentAssembler(gapMs),
                PreparedCameraFrame::camera, Types.STRING);
    }

    static List<DeadLetter> deadLetters(KeyedOneInputStreamOperatorTestHarness<String, PreparedCameraFrame, SegmentFrames> h) {
        return h.getSideOutput(SegmentAssembler.DEAD_LETTERS) == null ? List.of()
                : h.getSideOutput(SegmentAssembler.DEAD_LETTERS).stream().map(StreamRecord::getValue).toList();
    }

    static List<String> cut(List<SegmentFrames> segments) {
        return segments.stream().map(s -> s.camera() + s.segment() + ":" + s.firstFrame() + "-" + s.lastFrame()
                + "/" + s.frames().get(0).width()).toList();
    }

    @Test
    void aCameraThatChangesResolutionStartsANewSequenceAndLosesNoFrame() throws Exception {
        try (var h = harness(5_000)) {
            // 20 frames at width 4, then 20 at width 6: a resolution change after segment 0 and 4 frames
            for (long i = 0; i < 40; i++) {
                h.processElement(frame("a", i, i < 20 ? 4 : 6, 3), i * 100);
            }
            assertEquals(List.of("a0:0-15/4", "a1:16-19/4", "a0:20-35/6"), cut(h.extractOutputValues()),
                    "the partial segment of the old size is scored, then a new sequence starts at segment 0");
            h.processWatermark(Long.MAX_VALUE);
            assertEquals(List.of("a0:0-15/4", "a1:16-19/4", "a0:20-35/6", "a1:36-39/6"), cut(h.extractOutputValues()));
            assertEquals(List.of(), deadLetters(h), "a lasting change of size sets no frame aside");
            assertEquals(0, h.numKeyedStateEntries());
            assertEquals(0, h.numEventTimeTimers());
        }
    }

    @Test
    void anOddFrameKeepsItsOriginalBytesAndALastOddFrameIsSetAsideAtTheGap() throws Exception {
        try (var h = harness(1_000)) {
            for (long i = 0; i < 6; i++) {
                // frame 2 is a glitch; frames 4 and 5 have two more sizes, and frame 5 is the last one
                int w = i == 2 ? 6 : i == 4 ? 8 : i == 5 ? 10 : 4;
                h.processElement(frame("a", i, w, 3), i * 100);
            }
            assertEquals(List.of(2L, 4L), deadLetters(h).stream().map(DeadLetter::index).toList());
            DeadLetter glitch = deadLetters(h).get(0);
            assertTrue(java.util.Arrays.equals(new byte[] {2, 42}, glitch.payload()), "the original bytes travel");
            assertTrue(glitch.reason().contains("the next frame, 3, has the sequence's size again"), glitch.reason());
            assertTrue(deadLetters(h).get(1).reason().contains("yet another size"), deadLetters(h).get(1).reason());
            assertEquals(1, h.numEventTimeTimers(), "a held frame needs no timer of its own");
            h.processWatermark(1_500);
            assertEquals(List.of("a0:0-3/4"), cut(h.extractOutputValues()), "frames 0, 1 and 3");
            assertEquals(List.of(2L, 4L, 5L), deadLetters(h).stream().map(DeadLetter::index).toList());
            assertTrue(deadLetters(h).get(2).reason().contains("no frame followed within the camera gap of 1000 ms"),
                    deadLetters(h).get(2).reason());
            assertEquals(0, h.numKeyedStateEntries(), "the held frame went with the rest of the camera's state");
            assertEquals(0, h.numEventTimeTimers());
        }
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
            assertTrue(java.util.Arrays.equals(new byte[] {20, 42}, dead.get(0).payload()));
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
