package org.iefvad.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.DefaultOpenContext;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.iefvad.model.FloatTensor;
import org.iefvad.model.ModelFolder;
import org.iefvad.model.Npy;
import org.junit.jupiter.api.Test;

/**
 * SPEC 2 streaming case: segments fed one at a time through the context window, the Kalman update
 * and the classifier must reproduce every row of the offline reference.
 */
class GoldenStreamingTest {
    @Test
    void segmentBySegmentMatchesTheGoldenCausalKalmanCase() throws Exception {
        Path dir = Shared.golden("head_studentt_kalman_causal");
        JsonNode c = ModelFolder.JSON.readTree(dir.resolve("case.json").toFile());
        double atol = c.get("atol").asDouble();
        double rtol = c.get("rtol").asDouble();
        ModelFolder model = ModelFolder.read(dir);
        float[][] zx = Npy.readFloat(dir.resolve("inputs/zx.npy")).rows();
        float[][] ze = Npy.readFloat(dir.resolve("inputs/ze.npy")).rows();
        int t = zx.length;
        ModelRef ref = ModelRef.folder(dir);

        List<FusedStep> fused;
        try (KeyedOneInputStreamOperatorTestHarness<String, EncodedSegment, FusedStep> h = ProcessFunctionTestHarnesses
                .forKeyedProcessFunction(new ContextWindowFunction(ref, 60_000), EncodedSegment::camera, Types.STRING)) {
            for (int i = 0; i < t; i++) {
                h.processElement(new EncodedSegment("cam", i, 16L * i, 16L * i + 15, zx[i], ze[i]), 1600L * i);
            }
            fused = h.extractOutputValues();
        }
        List<FilteredStep> filtered;
        try (KeyedOneInputStreamOperatorTestHarness<String, FusedStep, FilteredStep> h = ProcessFunctionTestHarnesses
                .forKeyedProcessFunction(KalmanFusionFunction.of(model.config(), 60_000), FusedStep::camera,
                        Types.STRING)) {
            for (FusedStep s : fused) {
                h.processElement(s, 1600L * s.segment());
            }
            filtered = h.extractOutputValues();
        }
        assertEquals(t, filtered.size());

        Map<String, List<float[]>> got = new LinkedHashMap<>();
        SegmentClassifier classifier = new SegmentClassifier(ref);
        classifier.open(DefaultOpenContext.INSTANCE);
        try {
            for (FilteredStep f : filtered) {
                FusedStep s = f.step();
                SegmentClassifier.Classification k = classifier.classify(f);
                put(got, "mu_x", s.muX());
                put(got, "mu_e", s.muE());
                put(got, "logvar_x", s.logvarX());
                put(got, "logvar_e", s.logvarE());
                put(got, "w_x", s.wX());
                put(got, "w_e", s.wE());
                put(got, "fused", f.stateMean());
                put(got, "state_var", f.stateVariance());
                put(got, "refined", k.refined());
                put(got, "logits", new float[] {k.logit()});
                put(got, "prob", new float[] {k.prob()});
                SegmentScore score = classifier.map(f);
                assertEquals(k.prob(), score.score(), 1e-7);
                assertEquals("golden", score.model());
            }
        } finally {
            classifier.close();
        }
        int compared = 0;
        for (JsonNode key : c.get("compare")) {
            String name = key.asText();
            FloatTensor want = Npy.readFloat(dir.resolve("expected/" + name + ".npy"));
            float[][] rows = want.rows();
            assertEquals(t, rows.length, name + " rows");
            for (int i = 0; i < t; i++) {
                Shared.assertClose(name + " segment " + i, rows[i], got.get(name).get(i), atol, rtol);
            }
            compared++;
        }
        assertEquals(11, compared, "every expected array was compared");
    }

    private static void put(Map<String, List<float[]>> m, String k, float[] v) {
        m.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
    }
}
