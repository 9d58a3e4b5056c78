package org.iefvad.operators;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class KalmanFusionFunctionTest {
    static FusedStep step(String cam, long seg, float mu, float var) {
        float[] m = {mu, -mu};
        float[] v = {var, 2 * var};
        return new FusedStep(cam, seg, seg * 16, seg * 16 + 15, m, m, v, v, v, v, m, v);
    }

    @Test
    void carriesStatePerCameraAndDropsItAtTheEnd() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, FusedStep, FilteredStep> h = ProcessFunctionTestHarnesses
                .forKeyedProcessFunction(new KalmanFusionFunction(true, 0.5, 1e-8, 10_000), FusedStep::camera,
                        Types.STRING)) {
            h.processElement(step("a", 0, 1f, 1f), 0);
            h.processElement(step("b", 0, 5f, 1f), 0);
            h.processElement(step("a", 1, 3f, 1f), 1600);
            List<FilteredStep> out = h.extractOutputValues();
            assertArrayEquals(new float[] {1f, -1f}, out.get(0).stateMean(), "first step takes the observation");
            // a = 1/(1 + 0.5), b = 1/1: m = (a*1 + b*3)/(a+b) = 2.2, P = 1/(a+b) = 0.6
            assertEquals(2.2f, out.get(2).stateMean()[0], 1e-5);
            assertEquals(0.6f, out.get(2).stateVariance()[0], 1e-5);
            assertArrayEquals(new float[] {5f, -5f}, out.get(1).stateMean(), "camera b is not mixed into a");
            assertEquals(2, h.numEventTimeTimers());
            h.processWatermark(Long.MAX_VALUE);
            assertEquals(0, h.numKeyedStateEntries());
            assertEquals(0, h.numEventTimeTimers());
        }
    }

    @Test
    void disabledPassesThroughWithoutState() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, FusedStep, FilteredStep> h = ProcessFunctionTestHarnesses
                .forKeyedProcessFunction(new KalmanFusionFunction(false, 0.5, 1e-8, 10_000), FusedStep::camera,
                        Types.STRING)) {
            FusedStep s0 = step("a", 0, 1f, 1f);
            h.processElement(s0, 0);
            h.processElement(step("a", 1, 3f, 1f), 1600);
            FilteredStep f1 = h.extractOutputValues().get(1);
            assertArrayEquals(new float[] {3f, -3f}, f1.stateMean());
            assertArrayEquals(s0.fused(), h.extractOutputValues().get(0).stateMean());
            assertEquals(0, h.numKeyedStateEntries());
            assertEquals(0, h.numEventTimeTimers());
        }
    }
}
