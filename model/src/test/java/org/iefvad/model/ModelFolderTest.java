package org.iefvad.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFolderTest {
    static ModelConfig small() {
        return HeadInitializer.defaults(16, ModelConfig.Attention.causal(4), new ModelConfig.Kalman(true, 1.0));
    }

    @Test
    void writesAndReadsBackEveryWeightAndTheConfiguration(@TempDir Path dir) throws Exception {
        ModelFolder m = HeadInitializer.initialize(small(), 3);
        m.write(dir);
        ModelFolder back = ModelFolder.read(dir);
        assertEquals(m.config().embedDim(), back.config().embedDim());
        assertEquals(4, back.config().attention().window());
        assertEquals(m.weights().keySet(), back.weights().keySet());
        for (String k : m.weights().keySet()) {
            assertArrayEquals(m.weights().get(k).data(), back.weights().get(k).data(), k);
        }
        assertTrue(Files.exists(dir.resolve("weights/temporal.image_attn_layers.0.in_proj_weight.npy")));
    }

    @Test
    void missingWeightIsNamed(@TempDir Path dir) throws Exception {
        HeadInitializer.initialize(small(), 3).write(dir);
        Files.delete(dir.resolve("weights/temporal.classifier.weight.npy"));
        IOException e = assertThrows(IOException.class, () -> ModelFolder.read(dir));
        assertTrue(e.getMessage().contains("missing weight temporal.classifier.weight.npy"), e.getMessage());
        assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
    }

    @Test
    void wronglyShapedWeightIsNamedWithBothShapes(@TempDir Path dir) throws Exception {
        HeadInitializer.initialize(small(), 3).write(dir);
        Npy.write(dir.resolve("weights/temporal.event_mu.weight.npy"), new FloatTensor(new int[] {16, 8}, new float[128]));
        IOException e = assertThrows(IOException.class, () -> ModelFolder.read(dir));
        assertTrue(e.getMessage().contains("temporal.event_mu.weight.npy has shape [16, 8], expected [16, 16]"), e.getMessage());
    }

    @Test
    void truncatedWeightFileAndMissingModelJsonAreNamed(@TempDir Path dir) throws Exception {
        HeadInitializer.initialize(small(), 3).write(dir);
        Path w = dir.resolve("weights/temporal.classifier.bias.npy");
        byte[] bytes = Files.readAllBytes(w);
        Files.write(w, java.util.Arrays.copyOf(bytes, bytes.length - 2));
        IOException e = assertThrows(IOException.class, () -> ModelFolder.read(dir));
        assertTrue(e.getMessage().contains("temporal.classifier.bias.npy: truncated"), e.getMessage());
        Files.delete(dir.resolve("model.json"));
        e = assertThrows(IOException.class, () -> ModelFolder.read(dir));
        assertTrue(e.getMessage().contains("has no model.json"), e.getMessage());
        e = assertThrows(IOException.class, () -> ModelFolder.read(dir.resolve("nope")));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }
}
