package org.iefvad.job.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.iefvad.model.WeakSplit;
import picocli.CommandLine.Option;

/** {@code --dataset ped2 --root <dir> [--split <json>]}: the frame folders and the weak split. */
public final class DatasetOptions {
    @Option(names = "--dataset", required = true, description = "dataset layout; supported: ped2 (frames/<video>/NNN.jpg + split.json)")
    String dataset;

    @Option(names = "--root", required = true, paramLabel = "<dir>", description = "dataset folder (holds frames/ and split.json)")
    Path root;

    @Option(names = "--split", paramLabel = "<json>", description = "split file in the format of split.json (default: <root>/split.json)")
    Path split;

    public Path frames() throws IOException {
        check();
        Path f = root.resolve("frames");
        if (!Files.isDirectory(f)) {
            throw new IOException("dataset root " + root + " has no frames/ folder");
        }
        return f;
    }

    public Path splitFile() {
        return split != null ? split : root.resolve("split.json");
    }

    public WeakSplit readSplit() throws IOException {
        check();
        return WeakSplit.read(splitFile());
    }

    private void check() throws IOException {
        if (!"ped2".equals(dataset)) {
            throw new IOException("--dataset " + dataset + " is not supported (supported: ped2)");
        }
        if (!Files.isDirectory(root)) {
            throw new IOException("dataset root " + root + " does not exist");
        }
    }
}
