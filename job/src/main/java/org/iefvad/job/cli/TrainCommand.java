package org.iefvad.job.cli;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.iefvad.model.ModelConfig;
import org.iefvad.model.WeakTraining;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a model on a weakly supervised split (video labels only), choosing window, steps and "
                + "Kalman process noise on held-out training videos.")
public final class TrainCommand implements Callable<Integer> {
    @Mixin
    DatasetOptions data;

    @Option(names = "--out", required = true, paramLabel = "<dir>", description = "model folder to write")
    Path out;

    @Option(names = "--steps", defaultValue = "1000", description = "AdamW steps (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--lr", defaultValue = "1e-4", description = "learning rate (default: ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--seed", defaultValue = "7", description = "seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--windows", split = ",", defaultValue = "4,8", description = "causal windows to choose from; 0 means bidirectional (offline only, cannot stream) (default: ${DEFAULT-VALUE})")
    List<Integer> windows;

    @Option(names = "--process-noise", split = ",", defaultValue = "1,0.1,10",
            description = "Kalman process noise candidates, preferred in this order when validation ties; Kalman off is always a candidate, last (default: ${DEFAULT-VALUE})")
    List<Double> processNoise;

    @Option(names = "--version-name", defaultValue = "ped2-cellstats", description = "version recorded in model.json")
    String version;

    @Override
    public Integer call() throws Exception {
        if (steps < 1) {
            throw new IllegalArgumentException("--steps must be at least 1, got " + steps);
        }
        if (!(lr > 0)) {
            throw new IllegalArgumentException("--lr must be > 0, got " + lr);
        }
        for (int w : windows) {
            if (w < 0) {
                throw new IllegalArgumentException("--windows takes 0 (bidirectional) or a positive window, got " + w);
            }
        }
        for (double q : processNoise) {
            if (!(q > 0)) {
                throw new IllegalArgumentException("--process-noise candidates must be > 0 (Kalman off is always tried), got " + q);
            }
        }
        WeakTraining.Options d = WeakTraining.Options.defaults();
        WeakTraining.Options o = new WeakTraining.Options(steps, lr, d.weightDecay(), d.batch(), seed, windows,
                processNoise, d.validationFraction(), d.evalEvery(), d.grid(), d.sorted());
        Map<String, Object> prov = new LinkedHashMap<>();
        prov.put("version", version);
        prov.put("command", "iefvad " + String.join(" ", CommandLines.current()));
        prov.put("dataset", data.dataset);
        prov.put("split", data.splitFile().toString());
        prov.put("commit", Provenance.commit());
        prov.put("created", Instant.now().toString());
        WeakTraining.Outcome r = new WeakTraining(o, System.out::println).run(data.frames(), data.readSplit(), prov);
        r.model().write(out);
        ModelConfig.Attention a = r.model().config().attention();
        System.out.println("wrote " + out.toAbsolutePath() + " (" + r.model().config().version() + ", "
                + (a.causal() ? "causal W=" + a.window() : "bidirectional") + ", Kalman "
                + (r.model().config().kalman().enabled() ? "q=" + r.model().config().kalman().processNoise() : "off") + ")");
        return 0;
    }
}
