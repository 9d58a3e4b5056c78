package org.iefvad.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.iefvad.model.FusionHead;
import org.iefvad.model.ModelFolder;
import org.iefvad.model.Npy;
import org.junit.jupiter.api.Test;

class ContextWindowFunctionTest {
    @Test
    void boundedContextReproducesTheFullCausalPassForTwoCameras() throws Exception {
        Path dir = Shared.golden("head_studentt_kalman_causal");
        ModelFolder model = ModelFolder.read(dir);
        float[][] zx = Npy.readFloat(dir.resolve("inputs/zx.npy")).rows();
        float[][] ze = Npy.readFloat(dir.resolve("inputs/ze.npy")).rows();
        int t = zx.length;
        assertTrue(t > model.config().contextLength(), "the case must be longer than the context to test trimming");
        FusionHead.Step[] offline;
        try (FusionHead head = new FusionHead(model)) {
            offline = head.encodeSequence(zx, ze);
        }
        ContextWindowFunction fn = new ContextWindowFunction(ModelRef.folder(dir), 60_000);
        try (KeyedOneInputStreamOperatorTestHarness<String, EncodedSegment, FusedStep> h =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(fn, EncodedSegment::camera, Types.STRING)) {
            for (int i = 0; i < t; i++) {
                h.processElement(new EncodedSegment("a", i, 16L * i, 16L * i + 15, zx[i], ze[i]), 1600L * i);
                // camera b sees the sequence reversed: its context must not leak into a's
                h.processElement(new EncodedSegment("b", i, 16L * i, 16L * i + 15, zx[t - 1 - i], ze[t - 1 - i]), 1600L * i);
            }
            assertEquals(15, fn.contextLength(), "L(W-1)+1 with L=2, W=8");
            List<FusedStep> a = h.extractOutputValues().stream().filter(s -> s.camera().equals("a")).toList();
            assertEquals(t, a.size());
            for (int i = 0; i < t; i++) {
                assertEquals(i, a.get(i).segment());
                Shared.assertClose("fused row " + i, offline[i].fused(), a.get(i).fused(), 1e-5, 1e-5);
                Shared.assertClose("w_x row " + i, offline[i].wX(), a.get(i).wX(), 1e-5, 1e-5);
            }
            assertEquals(2, h.numEventTimeTimers());
            h.processWatermark(Long.MAX_VALUE);
            assertEquals(0, h.numKeyedStateEntries());
            assertEquals(0, h.numEventTimeTimers());
        }
    }
}
