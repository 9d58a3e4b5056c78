package org.iefvad.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Trains a model on a weakly supervised split (video labels only) and chooses the streaming
 * settings on a validation part of the training videos, never on test labels:
 * <ol>
 *   <li>extract raw embeddings of the training videos with the default encoder;</li>
 *   <li>hold out a seeded part of the training videos (both labels) for validation;</li>
 *   <li>for each candidate causal window W, train on the rest and, every few steps, measure the
 *       validation MIL BCE of the streaming forward pass with each candidate process noise q
 *       (and with the Kalman update off);</li>
 *   <li>retrain on all training videos with the best W for the best number of steps, and store the
 *       best q (or Kalman off) in the model.</li>
 * </ol>
 */
public final class WeakTraining {

    public record Options(int steps, double lr, double weightDecay, int batch, long seed, List<Integer> windows,
            List<Double> processNoise, double validationFraction, int evalEvery, int grid, boolean sorted) {
        public static Options defaults() {
            return new Options(1000, 1e-4, 0.01, 10, 7, List.of(4, 8), List.of(1.0, 0.1, 10.0), 0.3, 50, 8, true);
        }
    }

    /**
     * One validation measurement. {@code q} is null when the Kalman update is off. The held-out
     * videos carry video labels only, so the criterion is the segment-level AUC with each segment
     * labelled by its video (video-level BCE saturates at 0 within a few hundred steps on Ped2 and
     * stops telling settings apart); BCE breaks ties.
     */
    public record Trial(int window, int step, Double q, double validationAuc, double validationBce) {}

    /** Validation BCE under which the held-out videos count as classified (early stopping). */
    static final double SOLVED_BCE = 0.01;

    /**
     * The best segment AUC wins; among equals (on Ped2 the held-out part is easy and many settings
     * reach AUC 1), the earliest step whose BCE is below {@link #SOLVED_BCE} — stopping as soon as the
     * held-out videos are classified keeps scores from saturating — then the earlier candidate in
     * the order tried (window order; the q values in the order given, then Kalman off).
     */
    static Trial choose(List<Trial> trials) {
        double bestAuc = trials.stream().mapToDouble(Trial::validationAuc).max().orElseThrow();
        List<Trial> top = trials.stream().filter(t -> t.validationAuc() >= bestAuc - 1e-12).toList();
        return top.stream().filter(t -> t.validationBce() <= SOLVED_BCE)
                .min(java.util.Comparator.comparingInt(Trial::step))
                .orElseGet(() -> top.stream().min(java.util.Comparator.comparingDouble(Trial::validationBce)).orElseThrow());
    }

    public record Outcome(ModelFolder model, List<Trial> trials, Trial chosen, List<String> validationVideos) {}

    private final Options options;
    private final Consumer<String> log;

    public WeakTraining(Options options, Consumer<String> log) {
        this.options = options;
        this.log = log;
    }

    public Outcome run(Path framesRoot, WeakSplit split, Map<String, Object> provenance) throws IOException {
        CellStatisticsEncoder raw = new CellStatisticsEncoder(options.grid(), options.sorted(), 10f);
        List<VideoEmbeddings> videos = new ArrayList<>();
        int i = 0;
        long t0 = System.nanoTime();
        for (WeakSplit.Video v : split.train()) {
            videos.add(VideoEmbeddings.extract(v.name(), framesRoot.resolve(v.name()), raw));
            i++;
            log.accept(String.format("extract [%d/%d] %s: %d frames, %d segments (%.1f s)", i, split.train().size(),
                    v.name(), videos.get(i - 1).frames(), videos.get(i - 1).segments(), (System.nanoTime() - t0) / 1e9));
        }
        List<Integer> validation = validationIndices(split.train());
        List<String> valNames = validation.stream().map(k -> split.train().get(k).name()).toList();
        log.accept("validation videos (held out for model selection): " + valNames);
        List<Integer> fit = new ArrayList<>();
        for (int k = 0; k < videos.size(); k++) {
            if (!validation.contains(k)) {
                fit.add(k);
            }
        }

        List<Trial> trials = new ArrayList<>();
        for (int window : options.windows()) {
            trials.addAll(selectionRun(videos, split.train(), fit, validation, window));
        }
        Trial best = choose(trials);
        log.accept(String.format("chosen on validation: window %d, %d steps, Kalman %s (validation segment AUC %.4f, BCE %.4f)",
                best.window(), best.step(), best.q() == null ? "off" : "q=" + best.q(), best.validationAuc(),
                best.validationBce()));

        List<Integer> all = new ArrayList<>();
        for (int k = 0; k < videos.size(); k++) {
            all.add(k);
        }
        Standardisation sx = Standardisation.fit(all.stream().map(k -> videos.get(k).zx()).toList());
        Standardisation se = Standardisation.fit(all.stream().map(k -> videos.get(k).ze()).toList());
        ModelConfig.Kalman kalman = best.q() == null ? new ModelConfig.Kalman(false, 0.0)
                : new ModelConfig.Kalman(true, best.q());
        ModelConfig cfg = HeadInitializer.defaults(raw.embedDim(), attention(best.window()), kalman);
        try (FusionHead head = new FusionHead(HeadInitializer.initialize(cfg, options.seed()))) {
            MilTrainer trainer = new MilTrainer(head, trainerConfig(best.window(), best.step()));
            trainer.train(samples(videos, split.train(), all, sx, se), p -> progress("final", p));
            CellStatisticsEncoder enc = raw.withStandardisation(sx.mean(), sx.std(), se.mean(), se.std());
            Map<String, Object> prov = new LinkedHashMap<>(provenance);
            prov.put("seed", options.seed());
            prov.put("steps", best.step());
            prov.put("lr", options.lr());
            prov.put("weight_decay", options.weightDecay());
            prov.put("batch", options.batch());
            prov.put("train_videos", split.train().stream().map(WeakSplit.Video::name).toList());
            prov.put("validation_videos", valNames);
            prov.put("selection", Map.of("window", best.window(), "steps", best.step(),
                    "kalman", best.q() == null ? "off" : best.q(), "validation_segment_auc", best.validationAuc(),
                    "validation_bce", best.validationBce()));
            ModelConfig out = cfg.withVersion(String.valueOf(provenance.getOrDefault("version", "ped2-cellstats")))
                    .withEncoderAndProvenance(enc.description(), prov);
            Map<String, FloatTensor> extra = Map.of(
                    "encoder.image_mean", vector(sx.mean()), "encoder.image_std", vector(sx.std()),
                    "encoder.event_mean", vector(se.mean()), "encoder.event_std", vector(se.std()));
            return new Outcome(head.snapshot(out, extra), trials, best, valNames);
        }
    }

    private List<Trial> selectionRun(List<VideoEmbeddings> videos, List<WeakSplit.Video> meta, List<Integer> fit,
            List<Integer> validation, int window) {
        Standardisation sx = Standardisation.fit(fit.stream().map(k -> videos.get(k).zx()).toList());
        Standardisation se = Standardisation.fit(fit.stream().map(k -> videos.get(k).ze()).toList());
        List<MilTrainer.Sample> fitSamples = samples(videos, meta, fit, sx, se);
        List<MilTrainer.Sample> valSamples = samples(videos, meta, validation, sx, se);
        ModelConfig cfg = HeadInitializer.defaults(videos.get(0).zx()[0].length, attention(window),
                new ModelConfig.Kalman(false, 0.0));
        List<Trial> trials = new ArrayList<>();
        try (FusionHead head = new FusionHead(HeadInitializer.initialize(cfg, options.seed()))) {
            MilTrainer trainer = new MilTrainer(head, trainerConfig(window, options.steps()));
            trainer.train(fitSamples, p -> {
                progress("select W=" + window, p);
                if (p.step() % options.evalEvery() == 0 || p.step() == p.steps()) {
                    List<Trial> at = validate(head, valSamples, window, p.step());
                    trials.addAll(at);
                    StringBuilder sb = new StringBuilder();
                    for (Trial t : at) {
                        sb.append(String.format(" %s=%.4f/%.4f", t.q() == null ? "off" : "q" + t.q(), t.validationAuc(),
                                t.validationBce()));
                    }
                    log.accept(String.format("  validation W=%d step %d segment-AUC/BCE:%s", window, p.step(), sb));
                }
            });
        }
        return trials;
    }

    private List<Trial> validate(FusionHead head, List<MilTrainer.Sample> val, int window, int step) {
        List<Trial> out = new ArrayList<>();
        // order matters for ties: the SPEC's streaming default (Kalman on, q > 0, candidates in the
        // order given) before Kalman off
        List<Double> qs = new ArrayList<>(options.processNoise());
        qs.add(null);
        for (Double q : qs) {
            ModelConfig.Kalman k = q == null ? new ModelConfig.Kalman(false, 0.0) : new ModelConfig.Kalman(true, q);
            double sum = 0;
            List<Double> scores = new ArrayList<>();
            List<Integer> labels = new ArrayList<>();
            for (MilTrainer.Sample s : val) {
                float[] prob = head.forward(s.zx(), s.ze(), k).prob().data();
                sum += MilInstance.bce(MilInstance.score(prob), s.abnormal());
                for (float p : prob) {
                    scores.add((double) p);
                    labels.add(s.abnormal() ? 1 : 0);
                }
            }
            double auc = FrameMetrics.rocAuc(scores.stream().mapToDouble(Double::doubleValue).toArray(),
                    labels.stream().mapToInt(Integer::intValue).toArray());
            out.add(new Trial(window, step, q, auc, sum / val.size()));
        }
        return out;
    }

    /** Window 0 stands for bidirectional attention (offline only; the official setting). */
    static ModelConfig.Attention attention(int window) {
        return window == 0 ? ModelConfig.Attention.bidirectional() : ModelConfig.Attention.causal(window);
    }

    private MilTrainer.Config trainerConfig(int window, int steps) {
        // the schedule is fixed in absolute steps so that the final, possibly shorter, run follows
        // the selection run's learning rates step for step
        int[] milestones = {options.steps() * 4 / 10, options.steps() * 8 / 10};
        return new MilTrainer.Config(steps, options.batch(), options.lr(), options.weightDecay(), milestones, 0.1,
                window, 1.0, 1.0, options.seed());
    }

    private void progress(String phase, MilTrainer.Progress p) {
        if (p.step() % 50 == 0 || p.step() == p.steps()) {
            int width = 30;
            int done = (int) ((long) width * p.step() / p.steps());
            log.accept(String.format("%-12s [%s%s] %4d/%d loss %.4f", phase, "#".repeat(done), ".".repeat(width - done),
                    p.step(), p.steps(), p.loss()));
        }
    }

    private List<Integer> validationIndices(List<WeakSplit.Video> train) {
        Random rnd = new Random(options.seed());
        List<Integer> normal = new ArrayList<>();
        List<Integer> abnormal = new ArrayList<>();
        for (int k = 0; k < train.size(); k++) {
            (train.get(k).abnormal() ? abnormal : normal).add(k);
        }
        Collections.shuffle(normal, rnd);
        Collections.shuffle(abnormal, rnd);
        List<Integer> out = new ArrayList<>();
        out.addAll(normal.subList(0, held(normal.size())));
        out.addAll(abnormal.subList(0, held(abnormal.size())));
        return out;
    }

    private int held(int n) {
        if (n < 2) {
            throw new IllegalArgumentException("need at least 2 training videos of each label to hold one out for validation");
        }
        return Math.max(1, Math.min(n - 1, (int) Math.round(n * options.validationFraction())));
    }

    private static List<MilTrainer.Sample> samples(List<VideoEmbeddings> videos, List<WeakSplit.Video> meta,
            List<Integer> which, Standardisation sx, Standardisation se) {
        List<MilTrainer.Sample> out = new ArrayList<>();
        for (int k : which) {
            VideoEmbeddings v = videos.get(k);
            out.add(new MilTrainer.Sample(v.name(), sx.apply(v.zx()), se.apply(v.ze()), meta.get(k).abnormal()));
        }
        return out;
    }

    private static FloatTensor vector(float[] v) {
        return new FloatTensor(new int[] {v.length}, v);
    }
}
