package org.iefvad.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The IEF-VAD fusion head (SPEC section 2) on DJL's PyTorch engine: per-modality temporal
 * encoders, mean/log-variance heads, precision, per-step fusion, refinement and classifier. The
 * Kalman update lives in {@link KalmanUpdate} because a stream carries its state between calls.
 */
public final class FusionHead implements AutoCloseable {
    /** Offline bidirectional scoring splits long videos into chunks of this many segments (official). */
    public static final int BIDIRECTIONAL_CHUNK = 256;
    private static final float MASKED = -1e9f;
    private static final float DROPOUT = 0.1f;

    private final ModelConfig config;
    private final NDManager manager;
    private final Map<String, NDArray> params = new LinkedHashMap<>();

    public FusionHead(ModelFolder model) {
        this(model, NDManager.newBaseManager("PyTorch"));
    }

    private FusionHead(ModelFolder model, NDManager manager) {
        this.config = model.config();
        this.manager = manager;
        for (String name : ModelFolder.expectedShapes(config).keySet()) {
            FloatTensor t = model.weights().get(name);
            params.put(name, manager.create(t.data(), new Shape(toLong(t.shape()))));
        }
    }

    public ModelConfig config() {
        return config;
    }

    public NDManager manager() {
        return manager;
    }

    /** The parameters by official name; training updates them in place. */
    public Map<String, NDArray> parameters() {
        return params;
    }

    /** Current parameter values as a model folder with the given configuration. */
    public ModelFolder snapshot(ModelConfig cfg, Map<String, FloatTensor> extra) {
        Map<String, FloatTensor> w = new java.util.TreeMap<>(extra);
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            w.put(e.getKey(), new FloatTensor(toInt(e.getValue().getShape().getShape()), e.getValue().toFloatArray()));
        }
        return new ModelFolder(cfg, w);
    }

    /** Per-step outputs of the temporal encoders and the fusion, all [B, T, D]. */
    public record Encoded(NDArray muX, NDArray muE, NDArray logvarX, NDArray logvarE, NDArray wX, NDArray wE,
            NDArray fused, NDArray variance) {}

    /**
     * Temporal encoders, heads, precision and per-step fusion for a zero-padded batch.
     *
     * @param zx [B, T, D] image embeddings
     * @param ze [B, T, D] event embeddings
     * @param lengths valid segments per sequence; keys at or past a length are masked
     * @param causalWindow 0 for bidirectional, else W
     */
    public Encoded encode(NDArray zx, NDArray ze, int[] lengths, int causalWindow, boolean training) {
        NDArray mask = attentionMask(zx.getManager(), zx.getShape(), lengths, causalWindow);
        NDArray additive = mask.sub(1f).mul(-MASKED); // 0 where allowed, MASKED where not
        NDArray hx = temporal(zx, "image", mask, additive, training);
        NDArray he = temporal(ze, "event", mask, additive, training);
        NDArray muX = Linear.linear(hx, p("temporal.image_mu.weight"), p("temporal.image_mu.bias")).singletonOrThrow();
        NDArray lvX = Linear.linear(hx, p("temporal.image_logvar.weight"), p("temporal.image_logvar.bias")).singletonOrThrow();
        NDArray muE = Linear.linear(he, p("temporal.event_mu.weight"), p("temporal.event_mu.bias")).singletonOrThrow();
        NDArray lvE = Linear.linear(he, p("temporal.event_logvar.weight"), p("temporal.event_logvar.bias")).singletonOrThrow();
        float factor = (float) config.noiseModel().precisionFactor(config.nu());
        NDArray precX = lvX.neg().exp().mul(factor);
        NDArray precE = lvE.neg().exp().mul(factor);
        NDArray sum = precX.add(precE);
        NDArray norm = sum.add((float) config.epsilon());
        NDArray fused = precX.mul(muX).add(precE.mul(muE)).div(norm);
        return new Encoded(muX, muE, lvX, lvE, precX.div(norm), precE.div(norm), fused, sum.pow(-1f));
    }

    /** Refinement blocks: x_{r+1} = x_r - lambda F_r(x_r). */
    public NDArray refine(NDArray x) {
        float lambda = (float) config.refineLambda();
        for (int r = 0; r < config.refineSteps(); r++) {
            String b = "temporal.refinement_blocks." + r;
            NDArray h = Activation.relu(Linear.linear(x, p(b + ".0.weight"), p(b + ".0.bias")).singletonOrThrow());
            NDArray f = Linear.linear(h, p(b + ".2.weight"), p(b + ".2.bias")).singletonOrThrow();
            x = x.sub(f.mul(lambda));
        }
        return x;
    }

    /** Classifier logits [..., 1]. */
    public NDArray classify(NDArray refined) {
        return Linear.linear(refined, p("temporal.classifier.weight"), p("temporal.classifier.bias")).singletonOrThrow();
    }

    private NDArray temporal(NDArray z, String m, NDArray mask, NDArray additive, boolean training) {
        Shape shape = z.getShape();
        long b = shape.get(0);
        long t = shape.get(1);
        long d = shape.get(2);
        int heads = config.heads();
        long dh = d / heads;
        float scale = (float) (1.0 / Math.sqrt(dh));
        NDArray h = z;
        for (int l = 0; l < config.layers(); l++) {
            String a = "temporal." + m + "_attn_layers." + l;
            NDArray qkv = Linear.linear(h, p(a + ".in_proj_weight"), p(a + ".in_proj_bias")).singletonOrThrow();
            NDArray q = splitHeads(qkv.get(new NDIndex("..., 0:{}", d)), b, t, heads, dh).mul(scale);
            NDArray k = splitHeads(qkv.get(new NDIndex("..., {}:{}", d, 2 * d)), b, t, heads, dh);
            NDArray v = splitHeads(qkv.get(new NDIndex("..., {}:", 2 * d)), b, t, heads, dh);
            NDArray probs = q.matMul(k.transpose(0, 1, 3, 2)).add(additive).softmax(-1).mul(mask);
            if (training) {
                probs = Dropout.dropout(probs, DROPOUT, true).singletonOrThrow();
            }
            NDArray ctx = probs.matMul(v).transpose(0, 2, 1, 3).reshape(b, t, d);
            NDArray out = Linear.linear(ctx, p(a + ".out_proj.weight"), p(a + ".out_proj.bias")).singletonOrThrow();
            h = layerNorm(h.add(out), "temporal." + m + "_norms." + l);
        }
        return layerNorm(h, "temporal.whiten_" + m);
    }

    private static NDArray splitHeads(NDArray x, long b, long t, int heads, long dh) {
        return x.reshape(b, t, heads, dh).transpose(0, 2, 1, 3);
    }

    private NDArray layerNorm(NDArray x, String name) {
        return LayerNorm.layerNorm(x, new Shape(x.getShape().get(x.getShape().dimension() - 1)),
                p(name + ".weight"), p(name + ".bias"), 1e-5f).singletonOrThrow();
    }

    /** [B, 1, T, T] with 1 where query t may attend to key s. */
    static NDArray attentionMask(NDManager m, Shape shape, int[] lengths, int window) {
        int b = (int) shape.get(0);
        int t = (int) shape.get(1);
        float[] mask = new float[b * t * t];
        for (int i = 0; i < b; i++) {
            for (int q = 0; q < t; q++) {
                for (int s = 0; s < t; s++) {
                    boolean ok = s < lengths[i] && (window <= 0 || (s <= q && s > q - window));
                    mask[(i * t + q) * t + s] = ok ? 1f : 0f;
                }
            }
        }
        return m.create(mask, new Shape(b, 1, t, t));
    }

    private NDArray p(String name) {
        NDArray a = params.get(name);
        if (a == null) {
            throw new IllegalStateException("no parameter " + name);
        }
        return a;
    }

    /** All outputs of one sequence, offline; row t belongs to segment t. */
    public record Result(FloatTensor muX, FloatTensor muE, FloatTensor logvarX, FloatTensor logvarE, FloatTensor wX,
            FloatTensor wE, FloatTensor fused, FloatTensor stateVar, FloatTensor refined, FloatTensor logits,
            FloatTensor prob) {
        public Map<String, FloatTensor> byName() {
            Map<String, FloatTensor> m = new LinkedHashMap<>();
            m.put("mu_x", muX);
            m.put("mu_e", muE);
            m.put("logvar_x", logvarX);
            m.put("logvar_e", logvarE);
            m.put("w_x", wX);
            m.put("w_e", wE);
            m.put("fused", fused);
            m.put("state_var", stateVar);
            m.put("refined", refined);
            m.put("logits", logits);
            m.put("prob", prob);
            return m;
        }
    }

    /** Per-step fusion output of one segment, before the Kalman update. */
    public record Step(float[] muX, float[] muE, float[] logvarX, float[] logvarE, float[] wX, float[] wE,
            float[] fused, float[] variance) {}

    /**
     * Encodes a whole sequence offline: bidirectional in chunks of 256 (official), causal over the
     * whole sequence. Returns one {@link Step} per segment.
     */
    public Step[] encodeSequence(float[][] zx, float[][] ze) {
        checkInputs(zx, ze);
        int t = zx.length;
        Step[] out = new Step[t];
        boolean causal = config.attention().causal();
        int chunk = causal ? Math.max(t, 1) : BIDIRECTIONAL_CHUNK;
        for (int start = 0; start < t; start += chunk) {
            int end = Math.min(t, start + chunk);
            Step[] part = encodeRows(zx, ze, start, end, causal ? config.attention().window() : 0);
            System.arraycopy(part, 0, out, start, part.length);
        }
        return out;
    }

    /**
     * Encodes a causal context window (oldest first) and returns the step of its last row: with
     * L(W-1)+1 rows this equals the row of a full-sequence causal pass.
     */
    public Step encodeLast(float[][] zx, float[][] ze) {
        checkInputs(zx, ze);
        if (!config.attention().causal()) {
            throw new IllegalStateException("streaming needs causal attention; the model is " + config.attention().mode());
        }
        Step[] s = encodeRows(zx, ze, 0, zx.length, config.attention().window());
        return s[s.length - 1];
    }

    private Step[] encodeRows(float[][] zx, float[][] ze, int start, int end, int window) {
        int t = end - start;
        int d = config.embedDim();
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = scope.create(flatten(zx, start, end, d), new Shape(1, t, d));
            NDArray e = scope.create(flatten(ze, start, end, d), new Shape(1, t, d));
            Encoded enc = encode(x, e, new int[] {t}, window, false);
            float[][] muX = rows(enc.muX(), t, d);
            float[][] muE = rows(enc.muE(), t, d);
            float[][] lvX = rows(enc.logvarX(), t, d);
            float[][] lvE = rows(enc.logvarE(), t, d);
            float[][] wX = rows(enc.wX(), t, d);
            float[][] wE = rows(enc.wE(), t, d);
            float[][] f = rows(enc.fused(), t, d);
            float[][] v = rows(enc.variance(), t, d);
            Step[] out = new Step[t];
            for (int i = 0; i < t; i++) {
                out[i] = new Step(muX[i], muE[i], lvX[i], lvE[i], wX[i], wE[i], f[i], v[i]);
            }
            return out;
        }
    }

    /** Refinement and classifier for a batch of fused states [N, D]; returns refined rows and logits. */
    public record Classified(float[][] refined, float[] logits) {
        public float prob(int i) {
            return sigmoid(logits[i]);
        }
    }

    public Classified classifyRows(float[][] x) {
        int n = x.length;
        int d = config.embedDim();
        if (n == 0) {
            return new Classified(new float[0][], new float[0]);
        }
        try (NDManager scope = manager.newSubManager()) {
            NDArray in = scope.create(flatten(x, 0, n, d), new Shape(n, d));
            NDArray refined = refine(in);
            NDArray logits = classify(refined);
            return new Classified(rows(refined, n, d), logits.toFloatArray());
        }
    }

    /** The whole head on one sequence, offline: encoders, fusion, Kalman (if enabled), refinement, classifier. */
    public Result forward(float[][] zx, float[][] ze) {
        return forward(zx, ze, config.kalman());
    }

    /** As {@link #forward(float[][], float[][])} with another Kalman setting (for comparisons and selection). */
    public Result forward(float[][] zx, float[][] ze, ModelConfig.Kalman kalman) {
        Step[] steps = encodeSequence(zx, ze);
        int t = steps.length;
        float[][] fused = new float[t][];
        float[][] var = new float[t][];
        KalmanUpdate.State state = null;
        float q = (float) kalman.processNoise();
        float eps = (float) config.epsilon();
        for (int i = 0; i < t; i++) {
            if (kalman.enabled()) {
                state = state == null ? KalmanUpdate.start(steps[i].fused(), steps[i].variance())
                        : KalmanUpdate.step(state, steps[i].fused(), steps[i].variance(), q, eps);
                fused[i] = state.mean();
                var[i] = state.variance();
            } else {
                fused[i] = steps[i].fused();
                var[i] = steps[i].variance();
            }
        }
        Classified c = classifyRows(fused);
        float[][] logits = new float[t][1];
        float[][] prob = new float[t][1];
        for (int i = 0; i < t; i++) {
            logits[i][0] = c.logits()[i];
            prob[i][0] = c.prob(i);
        }
        return new Result(col(steps, Step::muX), col(steps, Step::muE), col(steps, Step::logvarX),
                col(steps, Step::logvarE), col(steps, Step::wX), col(steps, Step::wE), FloatTensor.of(fused),
                FloatTensor.of(var), FloatTensor.of(c.refined()), FloatTensor.of(logits), FloatTensor.of(prob));
    }

    private FloatTensor col(Step[] steps, java.util.function.Function<Step, float[]> f) {
        float[][] r = new float[steps.length][];
        for (int i = 0; i < steps.length; i++) {
            r[i] = f.apply(steps[i]);
        }
        return steps.length == 0 ? new FloatTensor(new int[] {0, config.embedDim()}, new float[0]) : FloatTensor.of(r);
    }

    private void checkInputs(float[][] zx, float[][] ze) {
        if (zx.length != ze.length) {
            throw new IllegalArgumentException("image and event sequences differ in length: " + zx.length + " vs " + ze.length);
        }
        for (int i = 0; i < zx.length; i++) {
            if (zx[i].length != config.embedDim() || ze[i].length != config.embedDim()) {
                throw new IllegalArgumentException("segment " + i + ": embeddings must have " + config.embedDim()
                        + " dimensions, got image " + zx[i].length + ", event " + ze[i].length);
            }
        }
    }

    static float[] flatten(float[][] rows, int start, int end, int d) {
        float[] out = new float[(end - start) * d];
        for (int i = start; i < end; i++) {
            System.arraycopy(rows[i], 0, out, (i - start) * d, d);
        }
        return out;
    }

    static float[][] rows(NDArray a, int t, int d) {
        float[] flat = a.toType(DataType.FLOAT32, false).toFloatArray();
        float[][] out = new float[t][d];
        for (int i = 0; i < t; i++) {
            System.arraycopy(flat, i * d, out[i], 0, d);
        }
        return out;
    }

    public static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }

    static long[] toLong(int[] s) {
        long[] out = new long[s.length];
        for (int i = 0; i < s.length; i++) {
            out[i] = s[i];
        }
        return out;
    }

    static int[] toInt(long[] s) {
        int[] out = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            out[i] = (int) s[i];
        }
        return out;
    }

    @Override
    public void close() {
        manager.close();
    }
}
