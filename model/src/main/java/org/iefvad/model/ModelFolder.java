package org.iefvad.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The model format: a folder with {@code model.json} and {@code weights/<name>.npy}, parameter
 * names as in the official PyTorch state_dict so that official checkpoints convert one to one.
 * Extra arrays (e.g. {@code encoder.*}) travel in the same folder.
 */
public record ModelFolder(ModelConfig config, Map<String, FloatTensor> weights) {

    public static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** Where the bundled model lives on the classpath. */
    public static final String BUNDLED_RESOURCE = "/iefvad/bundled-model/";

    public static ModelFolder read(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("model folder " + dir + " does not exist or is not a folder");
        }
        Path json = dir.resolve("model.json");
        if (!Files.isRegularFile(json)) {
            throw new IOException("model folder " + dir + " has no model.json");
        }
        ModelConfig cfg;
        try {
            cfg = JSON.readValue(json.toFile(), ModelConfig.class);
        } catch (IOException e) {
            throw new IOException(json + ": unreadable model.json: " + e.getMessage(), e);
        }
        cfg.validate(json.toString());
        Path wdir = dir.resolve("weights");
        if (!Files.isDirectory(wdir)) {
            throw new IOException("model folder " + dir + " has no weights/ folder");
        }
        Map<String, FloatTensor> weights = new TreeMap<>();
        try (Stream<Path> files = Files.list(wdir)) {
            for (Path p : files.filter(p -> p.getFileName().toString().endsWith(".npy")).sorted().toList()) {
                String name = p.getFileName().toString();
                weights.put(name.substring(0, name.length() - 4), Npy.readFloat(p));
            }
        }
        ModelFolder m = new ModelFolder(cfg, weights);
        m.checkWeights(dir.toString());
        return m;
    }

    /** Reads the model that ships inside the jar. */
    public static ModelFolder readBundled() throws IOException {
        try (InputStream index = ModelFolder.class.getResourceAsStream(BUNDLED_RESOURCE + "index.txt")) {
            if (index == null) {
                throw new IOException("no bundled model on the classpath (" + BUNDLED_RESOURCE + "index.txt)");
            }
            Path tmp = Files.createTempDirectory("iefvad-bundled-model");
            tmp.toFile().deleteOnExit();
            for (String rel : new String(index.readAllBytes()).split("\n")) {
                if (rel.isBlank()) {
                    continue;
                }
                Path target = tmp.resolve(rel.trim());
                Files.createDirectories(target.getParent());
                try (InputStream in = ModelFolder.class.getResourceAsStream(BUNDLED_RESOURCE + rel.trim())) {
                    if (in == null) {
                        throw new IOException("bundled model lists " + rel + " but the jar lacks it");
                    }
                    Files.copy(in, target);
                }
                target.toFile().deleteOnExit();
            }
            return read(tmp);
        }
    }

    public void write(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("weights"));
        JSON.writeValue(dir.resolve("model.json").toFile(), config);
        for (Map.Entry<String, FloatTensor> e : weights.entrySet()) {
            Npy.write(dir.resolve("weights").resolve(e.getKey() + ".npy"), e.getValue());
        }
    }

    /** Names and shapes the head needs for this configuration, official names. */
    public static Map<String, int[]> expectedShapes(ModelConfig c) {
        int d = c.embedDim();
        Map<String, int[]> s = new LinkedHashMap<>();
        for (String m : List.of("image", "event")) {
            for (int l = 0; l < c.layers(); l++) {
                String a = "temporal." + m + "_attn_layers." + l;
                s.put(a + ".in_proj_weight", new int[] {3 * d, d});
                s.put(a + ".in_proj_bias", new int[] {3 * d});
                s.put(a + ".out_proj.weight", new int[] {d, d});
                s.put(a + ".out_proj.bias", new int[] {d});
                s.put("temporal." + m + "_norms." + l + ".weight", new int[] {d});
                s.put("temporal." + m + "_norms." + l + ".bias", new int[] {d});
            }
            s.put("temporal.whiten_" + m + ".weight", new int[] {d});
            s.put("temporal.whiten_" + m + ".bias", new int[] {d});
            for (String h : List.of("mu", "logvar")) {
                s.put("temporal." + m + "_" + h + ".weight", new int[] {d, d});
                s.put("temporal." + m + "_" + h + ".bias", new int[] {d});
            }
        }
        for (int r = 0; r < c.refineSteps(); r++) {
            String b = "temporal.refinement_blocks." + r;
            s.put(b + ".0.weight", new int[] {d, d});
            s.put(b + ".0.bias", new int[] {d});
            s.put(b + ".2.weight", new int[] {d, d});
            s.put(b + ".2.bias", new int[] {d});
        }
        s.put("temporal.classifier.weight", new int[] {1, d});
        s.put("temporal.classifier.bias", new int[] {1});
        return s;
    }

    /** Every parameter present with its shape; the message names the weight and the folder. */
    public void checkWeights(String source) throws IOException {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, int[]> e : expectedShapes(config).entrySet()) {
            FloatTensor t = weights.get(e.getKey());
            if (t == null) {
                problems.add("missing weight " + e.getKey() + ".npy (expected shape " + Arrays.toString(e.getValue()) + ")");
            } else if (!Arrays.equals(t.shape(), e.getValue())) {
                problems.add("weight " + e.getKey() + ".npy has shape " + t.shapeString() + ", expected "
                        + Arrays.toString(e.getValue()));
            }
        }
        if (!problems.isEmpty()) {
            throw new IOException("model folder " + source + ": " + String.join("; ", problems));
        }
    }
}
