package org.iefvad.job.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.iefvad.model.ModelFolder;
import org.iefvad.operators.ModelRef;
import picocli.CommandLine.Option;

/** {@code --model <dir>}, defaulting to the model bundled in the jar. */
public final class ModelOption {
    @Option(names = "--model", paramLabel = "<dir>", description = "model folder (default: the bundled model)")
    Path model;

    public ModelRef ref() {
        return model == null ? ModelRef.bundled() : ModelRef.folder(model);
    }

    public ModelFolder load() throws IOException {
        return ref().load();
    }
}
