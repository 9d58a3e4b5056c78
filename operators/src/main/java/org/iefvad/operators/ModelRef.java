package org.iefvad.operators;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import org.iefvad.model.ModelFolder;

/**
 * Where an operator loads the head from: a model folder path, or the model bundled in the jar. The
 * job graph carries this reference, not the weights, and each operator instance reads it in open().
 */
public record ModelRef(String location) implements Serializable {
    public static final String BUNDLED = "bundled";

    public ModelRef {
        if (location == null || location.isBlank()) {
            throw new IllegalArgumentException("model location is empty");
        }
    }

    public static ModelRef bundled() {
        return new ModelRef(BUNDLED);
    }

    public static ModelRef folder(Path dir) {
        return new ModelRef(dir.toAbsolutePath().normalize().toString());
    }

    public boolean isBundled() {
        return BUNDLED.equals(location);
    }

    public ModelFolder load() throws IOException {
        return isBundled() ? ModelFolder.readBundled() : ModelFolder.read(Path.of(location));
    }

    @Override
    public String toString() {
        return isBundled() ? "bundled model" : "model folder " + location;
    }
}
