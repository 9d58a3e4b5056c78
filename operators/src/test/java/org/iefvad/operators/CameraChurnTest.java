package org.iefvad.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.iefvad.model.Npy;
import org.iefvad.model.VideoFrame;
import org.iefvad.operators.FrameRecordFormat.ImageFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Many cameras come and go: after the gap a camera's sequence ends, after the time-to-live every
 * keyed operator holds no state and no timer for it. Event times are on one clock for all cameras,
 * as in Kafka mode.
 */
@Timeout(60)
class CameraChurnTest {
    static final int CAMERAS = 20;
    static final long GAP = 2_000;
    static final long TTL = 5_000;

    static FrameRecord record(String cam, long index, long captureMs, byte[] image) {
        return new FrameRecord(cam, "frames", 0, index, captureMs, index, captureMs, null, null, null, image);
    }

    @Test
    void decoderForgetsACameraAfterTheTimeToLiveAndOnlyThen() throws Exception {
        byte[] jpeg = FrameRecordFormat.encodeImage(new VideoFrame(0, 8, 8, new byte[8 * 8 * 3]), ImageFormat.JPEG);
        try (KeyedOneInputStreamOperatorTestHarness<String, FrameRecord, CameraFrame> h = ProcessFunctionTestHarnesses
                .forKeyedProcessFunction(new FrameRecordDecoder(TTL), FrameRecord::camera, Types.STRING)) {
            for (int c = 0; c < CAMERAS; c++) {
                for (long i = 0; i < 3; i++) {
                    h.processElement(record("cam-" + c, i, 1_000 * c + 40 * i, jpeg), 1_000 * c + 40 * i);
                }
            }
            assertEquals(2 * CAMERAS, h.numKeyedStateEntries(), "last index and timer per camera");
            assertEquals(CAMERAS, h.numEventTimeTimers(), "one timer per camera, moved, not added");
            // cam-19's last frame was at 19 080: before its TTL a replay is still caught
            h.processWatermark(19_080 + TTL - 1);
            assertEquals(2, h.numKeyedStateEntries());
            h.processElement(record("cam-19", 0, 24_000, jpeg), 24_000);
            assertEquals(1, h.getSideOutput(SegmentAssembler.DEAD_LETTERS).size(), "replay within the TTL");
            h.processWatermark(19_080 + TTL + 1);
            assertEquals(0, h.numKeyedStateEntries());
            assertEquals(0, h.numEventTimeTimers());
            h.processElement(record("cam-19", 0, 30_000, jpeg), 30_000);
            assertEquals(1, h.getSideOutput(SegmentAssembler.DEAD_LETTERS).size(),
                    "after the TTL the camera may start its counter again");
            assertEquals(3 * CAMERAS + 1, h.extractOutputValues().size());
        }
    }

    @Test
    void assemblerFlushesEachPartialSegmentAfterTheGapAndKeepsNothing() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, PreparedCameraFrame, SegmentFrames> h =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(new SegmentAssembler(16, GAP),
                        PreparedCameraFrame::camera, Types.STRING)) {
            for (int c = 0; c < CAMERAS; c++) {
                int frames = 32 + c % 15 + 1; // 33..47: two full segments and a partial one
                for (long i = 0; i < frames; i++) {
                    long t = 100 * c + 40 * i;
                    h.processElement(new PreparedCameraFrame("cam-" + c, i, t,
                            SegmentAssemblerTest.frame("cam-" + c, i, 4, 4).frame()), t);
                }
            }
            assertEquals(2 * CAMERAS, h.extractOutputValues().size());
            assertEquals(2 * CAMERAS, h.numKeyedStateEntries(), "frames and cursor per camera");
            h.processWatermark(100 * (CAMERAS - 1) + 40 * 47 + GAP);
            List<SegmentFrames> out = h.extractOutputValues();
            assertEquals(3 * CAMERAS, out.size(), "one partial segment per camera");
            for (SegmentFrames s : out.subList(2 * CAMERAS, out.size())) {
                assertEquals(2, s.segment());
                assertTrue(s.frames().size() < 16 && s.frames().size() > 0, s.toString());
            }
            assertEquals(0, h.numKeyedStateEntries());
            assertEquals(0, h.numEventTimeTimers());
            // back after the gap: a new sequence, at segment 0 again
            for (long i = 0; i < 16; i++) {
                h.processElement(new PreparedCameraFrame("cam-0", 100 + i, 20_000 + 40 * i,
                        SegmentAssemblerTest.frame("cam-0", 100 + i, 4, 4).frame()), 20_000 + 40 * i);
            }
            SegmentFrames again = h.extractOutputValues().get(3 * CAMERAS);
            assertEquals(0, again.segment());
            assertEquals(100, again.firstFrame());
        }
    }

    @Test
    void aFrameBehindTheWatermarkDoesNotEndItsCameraAtOnce() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, PreparedCameraFrame, SegmentFrames> h =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(new SegmentAssembler(16, GAP),
                        PreparedCameraFrame::camera, Types.STRING)) {
            h.processWatermark(100_000);
            // a lagging camera: its capture times are far behind the others'
            for (long i = 0; i < 3; i++) {
                h.processElement(SegmentAssemblerTest.frame("slow", i, 4, 4), 1_000 + 40 * i);
                h.processWatermark(100_001 + i);
            }
            assertEquals(0, h.extractOutputValues().size(), "no flush while the camera sends");
            h.processWatermark(100_002 + GAP);
            assertEquals(1, h.extractOutputValues().size());
            assertEquals(3, h.extractOutputValues().get(0).frames().size());
        }
    }

    @Test
    void contextAndKalmanStartFreshOnANewSequenceAndForgetAfterTheTimeToLive() throws Exception {
        Path dir = Shared.golden("head_studentt_kalman_causal");
        float[][] zx = Npy.readFloat(dir.resolve("inputs/zx.npy")).rows();
        float[][] ze = Npy.readFloat(dir.resolve("inputs/ze.npy")).rows();
        try (KeyedOneInputStreamOperatorTestHarness<String, EncodedSegment, FusedStep> ctx =
                        ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                                new ContextWindowFunction(ModelRef.folder(dir), TTL), EncodedSegment::camera, Types.STRING);
                KeyedOneInputStreamOperatorTestHarness<String, FusedStep, FilteredStep> kal =
                        ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                                new KalmanFusionFunction(true, 0.5, 1e-8, TTL), FusedStep::camera, Types.STRING)) {
            // each camera: segments 0..3 of the golden sequence, then (a new sequence) segment 0 again
            for (int c = 0; c < CAMERAS; c++) {
                for (int s = 0; s < 4; s++) {
                    ctx.processElement(new EncodedSegment("cam-" + c, s, 16L * s, 16L * s + 15, zx[s], ze[s]),
                            100L * c + 1600L * s);
                }
            }
            for (FusedStep f : ctx.extractOutputValues()) {
                kal.processElement(f, 0);
            }
            assertEquals(2 * CAMERAS, ctx.numKeyedStateEntries());
            assertEquals(3 * CAMERAS, kal.numKeyedStateEntries(), "mean/variance, last segment and timer");
            ctx.processElement(new EncodedSegment("cam-0", 0, 1000, 1015, zx[0], ze[0]), 7_000);
            List<FusedStep> fused = ctx.extractOutputValues();
            FusedStep restart = fused.get(fused.size() - 1);
            Shared.assertClose("a new sequence sees no old context", fused.get(0).fused(), restart.fused(), 1e-6, 1e-6);
            kal.processElement(restart, 7_000);
            List<FilteredStep> filtered = kal.extractOutputValues();
            Shared.assertClose("a new sequence starts from its own observation", filtered.get(0).stateMean(),
                    filtered.get(filtered.size() - 1).stateMean(), 1e-6, 1e-6);
            // the other cameras went quiet at 100c + 4800 at the latest
            ctx.processWatermark(100L * (CAMERAS - 1) + 4_800 + TTL);
            kal.processWatermark(7_000 + TTL);
            assertEquals(2, ctx.numKeyedStateEntries(), "only cam-0, which came back, is left");
            assertEquals(0, kal.numKeyedStateEntries());
            ctx.processWatermark(7_000 + TTL);
            assertEquals(0, ctx.numKeyedStateEntries());
            assertEquals(0, ctx.numEventTimeTimers());
            assertEquals(0, kal.numEventTimeTimers());
        }
    }
}
