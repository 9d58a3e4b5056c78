package org.iefvad.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Weakly supervised MIL training (SPEC 3): every step takes a batch of half normal, half abnormal
 * videos (sampled with replacement, seeded), zero-pads them, and takes one AdamW step on
 * L = L_cls + L_KL,x + L_KL,e + L_reg. The learning rate follows MultiStepLR.
 */
public final class MilTrainer {

    /** A training video: its segment embeddings and its video-level label. */
    public record Sample(String name, float[][] zx, float[][] ze, boolean abnormal) {}

    public record Config(int steps, int batch, double lr, double weightDecay, int[] milestones, double gamma,
            int causalWindow, double klWeight, double regWeight, long seed) {}

    /** Progress after a step; {@code validation} is NaN when not evaluated at that step. */
    public record Progress(int step, int steps, double loss, double validation) {}

    private static final int MAX_ATTEMPTS = 5;
    private final FusionHead head;
    private final Config config;
    private int skipped;

    public MilTrainer(FusionHead head, Config config) {
        this.head = head;
        this.config = config;
    }

    /** Trains in place; returns the training loss per step. */
    public double[] train(List<Sample> data, Consumer<Progress> progress) {
        List<Sample> normal = data.stream().filter(s -> !s.abnormal()).toList();
        List<Sample> abnormal = data.stream().filter(Sample::abnormal).toList();
        if (normal.isEmpty() || abnormal.isEmpty()) {
            throw new IllegalArgumentException("MIL training needs normal and abnormal videos; got " + normal.size()
                    + " normal, " + abnormal.size() + " abnormal");
        }
        for (NDArray p : head.parameters().values()) {
            p.setRequiresGradient(true);
        }
        AdamW opt = new AdamW(head.manager(), config.weightDecay());
        MilLoss loss = new MilLoss(head, config.klWeight(), config.regWeight());
        Random rnd = new Random(config.seed());
        // dropout draws from the engine's generator: seed it too so a run repeats
        Engine.getEngine("PyTorch").setRandomSeed((int) config.seed());
        double[] losses = new double[config.steps()];
        for (int step = 0; step < config.steps(); step++) {
            List<Sample> batch = new ArrayList<>();
            for (int i = 0; i < config.batch() / 2; i++) {
                batch.add(normal.get(rnd.nextInt(normal.size())));
                batch.add(abnormal.get(rnd.nextInt(abnormal.size())));
            }
            // A rare run (about 1 in 4 of identical runs in development) produces a non-finite
            // gradient; the cause was not found (it follows the parameters, not the dropout draw).
            // Like mixed-precision trainers that skip overflowing steps, the step is recomputed
            // (fresh dropout) and, if it stays non-finite, skipped without an update; the run
            // fails only when too many steps are skipped.
            int attempt = 0;
            String problem;
            while (true) {
                attempt++;
                problem = null;
                try (NDManager scope = head.manager().newSubManager()) {
                    Padded p = pad(scope, batch, head.config().embedDim());
                    try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                        // GradientCollector.zeroGradients only reaches arrays of the system manager
                        zeroGradients(head);
                        MilLoss.Terms t = loss.compute(p.zx, p.ze, p.lengths, p.labels, true, config.causalWindow());
                        losses[step] = t.total().getFloat();
                        if (!Double.isFinite(losses[step])) {
                            problem = String.format("loss %s (cls %s, kl_x %s, kl_e %s, reg %s)", losses[step],
                                    t.cls().getFloat(), t.klX().getFloat(), t.klE().getFloat(), t.reg().getFloat());
                        } else {
                            gc.backward(t.total());
                        }
                    }
                }
                if (problem == null) {
                    problem = nonFiniteGradient(head);
                }
                if (problem == null) {
                    break;
                }
                if (attempt >= MAX_ATTEMPTS) {
                    break;
                }
                System.err.println("warning: step " + (step + 1) + ": " + problem + "; step recomputed");
            }
            if (problem != null) {
                skipped++;
                System.err.println("warning: step " + (step + 1) + " skipped (no update): " + problem);
                if (skipped > Math.max(3, config.steps() / 20)) {
                    throw new IllegalStateException("training diverged: " + skipped + " of " + (step + 1)
                            + " steps had non-finite gradients; last at step " + (step + 1) + ": " + problem);
                }
                zeroGradients(head);
                losses[step] = step > 0 ? losses[step - 1] : Double.NaN;
            } else {
                opt.step(head.parameters(), learningRate(step));
            }
            if (progress != null) {
                progress.accept(new Progress(step + 1, config.steps(), losses[step], Double.NaN));
            }
        }
        for (NDArray p : head.parameters().values()) {
            p.setRequiresGradient(false);
        }
        return losses;
    }

    /** Mean MIL loss (eval mode) over videos: how model selection looks at held-out training videos. */
    public double validationLoss(List<Sample> data) {
        MilLoss loss = new MilLoss(head, config.klWeight(), config.regWeight());
        try (NDManager scope = head.manager().newSubManager()) {
            Padded p = pad(scope, data, head.config().embedDim());
            return loss.compute(p.zx, p.ze, p.lengths, p.labels, false, config.causalWindow()).cls().getFloat();
        }
    }

    /** Steps skipped (no update) because their loss or gradient stayed non-finite. */
    public int skippedSteps() {
        return skipped;
    }

    static String nonFiniteGradient(FusionHead head) {
        for (Map.Entry<String, NDArray> e : head.parameters().entrySet()) {
            try (NDArray g = e.getValue().getGradient()) {
                if (g.isNaN().any().getBoolean() || g.isInfinite().any().getBoolean()) {
                    return "gradient of " + e.getKey() + " is not finite";
                }
            }
        }
        return null;
    }

    static void zeroGradients(FusionHead head) {
        for (NDArray p : head.parameters().values()) {
            if (p.hasGradient()) {
                try (NDArray g = p.getGradient()) {
                    // an in-place fill: g - g would keep a NaN or an infinity forever
                    g.set(new ai.djl.ndarray.index.NDIndex("..."), 0f);
                }
            }
        }
    }

    double learningRate(int step) {
        double lr = config.lr();
        for (int m : config.milestones()) {
            if (step >= m) {
                lr *= config.gamma();
            }
        }
        return lr;
    }

    private record Padded(NDArray zx, NDArray ze, int[] lengths, float[] labels) {}

    private static Padded pad(NDManager scope, List<Sample> batch, int d) {
        int b = batch.size();
        int t = batch.stream().mapToInt(s -> s.zx().length).max().orElse(0);
        float[] x = new float[b * t * d];
        float[] e = new float[b * t * d];
        int[] lengths = new int[b];
        float[] labels = new float[b];
        for (int i = 0; i < b; i++) {
            Sample s = batch.get(i);
            lengths[i] = s.zx().length;
            labels[i] = s.abnormal() ? 1f : 0f;
            for (int j = 0; j < s.zx().length; j++) {
                System.arraycopy(s.zx()[j], 0, x, (i * t + j) * d, d);
                System.arraycopy(s.ze()[j], 0, e, (i * t + j) * d, d);
            }
        }
        return new Padded(scope.create(x, new Shape(b, t, d)), scope.create(e, new Shape(b, t, d)), lengths, labels);
    }
}
