package org.iefvad.job.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.iefvad.model.ModelFolder;
import org.iefvad.model.OfflineEvaluation;
import org.iefvad.model.TimelinePlot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Frame-level AUC and AP of a model over the test videos of a split, with image-only, "
                + "event-only and Kalman on/off numbers, and a PNG timeline per video.")
public final class EvalCommand implements Callable<Integer> {
    @Mixin
    ModelOption model;

    @Mixin
    DatasetOptions data;

    @Option(names = "--report", paramLabel = "<file.json>", description = "write the report (auc, ap, variants, per-video frame scores)")
    Path report;

    @Option(names = "--plots", paramLabel = "<dir>", description = "folder for the PNG timelines (default: next to the report, else ./eval-plots)")
    Path plots;

    @Override
    public Integer call() throws Exception {
        ModelFolder m = model.load();
        OfflineEvaluation.Report r = OfflineEvaluation.evaluate(m, data.frames(), data.readSplit(), System.out::println);
        System.out.printf("Ano-AUC (frames of abnormal videos only): %.4f%n", r.anoAuc());
        System.out.printf("%-24s %7s %7s  %s%n", "variant", "AUC", "AP", "how");
        for (OfflineEvaluation.Variant v : r.variants()) {
            System.out.printf("%-24s %7.4f %7.4f  %s%n", v.name(), v.auc(), v.ap(), v.description());
        }
        Path plotDir = plots != null ? plots
                : report != null ? report.toAbsolutePath().resolveSibling(stem(report) + "-plots") : Path.of("eval-plots");
        for (OfflineEvaluation.VideoResult v : r.videos()) {
            TimelinePlot.write(v, plotDir);
        }
        System.out.println("timelines: " + plotDir.toAbsolutePath());
        if (report != null) {
            Path parent = report.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            ModelFolder.JSON.writeValue(report.toFile(), OfflineEvaluation.toJson(r));
            System.out.println("report: " + report.toAbsolutePath());
        }
        return 0;
    }

    private static String stem(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }
}
