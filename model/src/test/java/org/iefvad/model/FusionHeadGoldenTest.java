package org.iefvad.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FusionHeadGoldenTest {

    @ParameterizedTest
    @ValueSource(strings = {"head_gaussian_bidir", "head_studentt_bidir", "head_official_defaults",
            "head_studentt_kalman_q0", "head_studentt_kalman_causal"})
    void forwardMatchesGolden(String name) throws Exception {
        Path dir = SharedData.golden(name);
        JsonNode c = ModelFolder.JSON.readTree(dir.resolve("case.json").toFile());
        double atol = c.get("atol").asDouble();
        double rtol = c.get("rtol").asDouble();
        ModelFolder model = ModelFolder.read(dir);
        float[][] zx = Npy.readFloat(dir.resolve("inputs/zx.npy")).rows();
        float[][] ze = Npy.readFloat(dir.resolve("inputs/ze.npy")).rows();
        try (FusionHead head = new FusionHead(model)) {
            Map<String, FloatTensor> got = head.forward(zx, ze).byName();
            for (JsonNode key : c.get("compare")) {
                FloatTensor want = Npy.readFloat(dir.resolve("expected/" + key.asText() + ".npy"));
                FloatTensor have = got.get(key.asText());
                assertArrayEquals(want.shape(), have.shape(), name + "/" + key.asText() + " shape");
                Close.assertClose(name + "/" + key.asText(), want.data(), have.data(), atol, rtol);
            }
        }
    }
}
