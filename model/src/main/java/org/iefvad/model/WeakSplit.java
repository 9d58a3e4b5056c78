package org.iefvad.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A weakly supervised split in the format of the shared {@code split.json}: training videos with a
 * video-level label only, test videos with per-frame ground truth.
 */
public record WeakSplit(List<Video> train, List<Video> test) {

    /** {@code frameGt} is null for training videos (weak supervision: no frame labels). */
    public record Video(String name, boolean abnormal, int[] frameGt) {}

    public static WeakSplit read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("split file " + file + " does not exist");
        }
        JsonNode root;
        try {
            root = ModelFolder.JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException("split file " + file + " is not valid JSON: " + e.getMessage(), e);
        }
        return new WeakSplit(videos(root, "train", file, false), videos(root, "test", file, true));
    }

    private static List<Video> videos(JsonNode root, String key, Path file, boolean needGt) throws IOException {
        JsonNode arr = root.get(key);
        if (arr == null || !arr.isArray()) {
            throw new IOException("split file " + file + ": no '" + key + "' list");
        }
        List<Video> out = new ArrayList<>();
        for (JsonNode v : arr) {
            if (!v.hasNonNull("video") || !v.hasNonNull("label")) {
                throw new IOException("split file " + file + ": a '" + key + "' entry lacks 'video' or 'label': " + v);
            }
            String label = v.get("label").asText();
            if (!label.equals("normal") && !label.equals("abnormal")) {
                throw new IOException("split file " + file + ": label of " + v.get("video").asText()
                        + " must be normal or abnormal, found " + label);
            }
            int[] gt = null;
            if (v.has("frame_gt")) {
                gt = ModelFolder.JSON.treeToValue(v.get("frame_gt"), int[].class);
            } else if (needGt) {
                throw new IOException("split file " + file + ": test video " + v.get("video").asText() + " has no frame_gt");
            }
            out.add(new Video(v.get("video").asText(), label.equals("abnormal"), gt));
        }
        return out;
    }
}
