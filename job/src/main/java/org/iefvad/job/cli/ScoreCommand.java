package org.iefvad.job.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.iefvad.model.FloatTensor;
import org.iefvad.model.FusionHead;
import org.iefvad.model.ModelFolder;
import org.iefvad.model.Npy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "score", mixinStandardHelpOptions = true,
        description = "Score one precomputed sequence offline and write every intermediate output as .npy.")
public final class ScoreCommand implements Callable<Integer> {
    @Mixin
    ModelOption model;

    @Option(names = "--zx", required = true, paramLabel = "<zx.npy>", description = "image embeddings [T, D]")
    Path zx;

    @Option(names = "--ze", required = true, paramLabel = "<ze.npy>", description = "event embeddings [T, D]")
    Path ze;

    @Option(names = "--out", required = true, paramLabel = "<dir>", description = "folder for mu_x.npy ... prob.npy")
    Path out;

    @Override
    public Integer call() throws Exception {
        ModelFolder m = model.load();
        FloatTensor x = Npy.readFloat(zx);
        FloatTensor e = Npy.readFloat(ze);
        int d = m.config().embedDim();
        check(zx, x, d);
        check(ze, e, d);
        if (x.dim(0) != e.dim(0)) {
            throw new IllegalArgumentException(zx + " has " + x.dim(0) + " segments but " + ze + " has " + e.dim(0));
        }
        try (FusionHead head = new FusionHead(m)) {
            Map<String, FloatTensor> outputs = head.forward(x.rows(), e.rows()).byName();
            Files.createDirectories(out);
            for (Map.Entry<String, FloatTensor> o : outputs.entrySet()) {
                Npy.write(out.resolve(o.getKey() + ".npy"), o.getValue());
            }
            float[] prob = outputs.get("prob").data();
            System.out.printf("scored %d segments with %s; wrote %d arrays to %s%n", prob.length, m.config().version(),
                    outputs.size(), out.toAbsolutePath());
        }
        return 0;
    }

    private static void check(Path file, FloatTensor t, int d) {
        if (t.rank() != 2 || t.dim(1) != d) {
            throw new IllegalArgumentException(file + " has shape " + t.shapeString() + ", expected [T, " + d + "]");
        }
    }
}
