package org.iefvad.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MilLossGoldenTest {

    @Test
    void lossTermsInstanceScoresAndEveryGradientMatchGolden() throws Exception {
        Path dir = SharedData.golden("loss_bidir_padded");
        JsonNode c = ModelFolder.JSON.readTree(dir.resolve("case.json").toFile());
        JsonNode batch = ModelFolder.JSON.readTree(dir.resolve("inputs/batch.json").toFile());
        double atol = c.get("atol").asDouble();
        double rtol = c.get("rtol").asDouble();
        int[] lengths = ModelFolder.JSON.treeToValue(batch.get("lengths"), int[].class);
        float[] labels = ModelFolder.JSON.treeToValue(batch.get("labels"), float[].class);
        FloatTensor zx = Npy.readFloat(dir.resolve("inputs/zx.npy"));
        FloatTensor ze = Npy.readFloat(dir.resolve("inputs/ze.npy"));
        try (FusionHead head = new FusionHead(ModelFolder.read(dir));
                NDManager scope = head.manager().newSubManager()) {
            for (NDArray p : head.parameters().values()) {
                p.setRequiresGradient(true);
            }
            MilLoss loss = new MilLoss(head, c.get("loss_weights").get("kl").asDouble(),
                    c.get("loss_weights").get("reg").asDouble());
            NDArray x = scope.create(zx.data(), new Shape(FusionHead.toLong(zx.shape())));
            NDArray e = scope.create(ze.data(), new Shape(FusionHead.toLong(ze.shape())));
            MilLoss.Terms terms;
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                terms = loss.compute(x, e, lengths, labels, false);
                gc.backward(terms.total());
            }
            Map<String, NDArray> got = Map.of("loss_total", terms.total(), "loss_cls", terms.cls(),
                    "loss_kl_x", terms.klX(), "loss_kl_e", terms.klE(), "loss_reg", terms.reg(),
                    "instance", terms.instance());
            for (Map.Entry<String, NDArray> g : got.entrySet()) {
                FloatTensor want = Npy.readFloat(dir.resolve("expected/" + g.getKey() + ".npy"));
                Close.assertClose(g.getKey(), want.data(), g.getValue().toFloatArray(), atol, rtol);
            }
            int checked = 0;
            for (Map.Entry<String, NDArray> p : head.parameters().entrySet()) {
                FloatTensor want = Npy.readFloat(dir.resolve("expected/grad/" + p.getKey() + ".npy"));
                Close.assertClose("grad " + p.getKey(), want.data(), p.getValue().getGradient().toFloatArray(), atol, rtol);
                checked++;
            }
            org.junit.jupiter.api.Assertions.assertEquals(ModelFolder.expectedShapes(head.config()).size(), checked);
        }
    }
}
