package org.iefvad.model;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates ../shared (golden vectors, datasets) next to the checkout; tests read it in place. */
public final class SharedData {
    private SharedData() {}

    public static Path root() {
        String p = System.getProperty("iefvad.shared");
        Path root = p != null ? Path.of(p) : Path.of("..", "shared");
        if (!Files.isDirectory(root.resolve("golden"))) {
            root = Path.of("..", "..", "shared");
        }
        if (!Files.isDirectory(root.resolve("golden"))) {
            throw new IllegalStateException("../shared/golden not found (set -Diefvad.shared=<dir>)");
        }
        return root.toAbsolutePath().normalize();
    }

    public static Path golden(String name) {
        return root().resolve("golden").resolve(name);
    }
}
