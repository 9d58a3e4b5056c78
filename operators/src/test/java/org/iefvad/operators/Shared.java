package org.iefvad.operators;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates ../shared (read in place) and compares with the golden tolerance; the model module's helpers are not visible here. */
final class Shared {
    private Shared() {}

    static Path root() {
        String p = System.getProperty("iefvad.shared");
        Path root = p != null ? Path.of(p) : Path.of("..", "..", "shared");
        if (!Files.isDirectory(root.resolve("golden"))) {
            root = Path.of("..", "..", "shared");
        }
        if (!Files.isDirectory(root.resolve("golden"))) {
            throw new IllegalStateException("shared data not found (set -Diefvad.shared=<dir>)");
        }
        return root.toAbsolutePath().normalize();
    }

    static Path golden(String name) {
        return root().resolve("golden").resolve(name);
    }

    static void assertClose(String what, float[] expected, float[] actual, double atol, double rtol) {
        if (expected.length != actual.length) {
            fail(what + ": expected " + expected.length + " values, got " + actual.length);
        }
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(expected[i] - actual[i]);
            if (!(err <= atol + rtol * Math.abs(expected[i]))) {
                fail(what + "[" + i + "]: expected " + expected[i] + " got " + actual[i]);
            }
        }
    }
}
