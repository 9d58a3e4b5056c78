package org.iefvad.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Frame-level evaluation of a model on the test videos of a weakly supervised split: each segment
 * score covers its 16 frames (the last, partial segment covers what is left), AUC and AP over all
 * test frames. Besides the model as configured it reports single-branch numbers (the other
 * branch's head input zeroed at evaluation, same trained model) and the Kalman update on/off.
 */
public final class OfflineEvaluation {

    /** Per-video result of the model as configured. */
    public record VideoResult(String name, boolean abnormal, int[] frameGt, float[] segmentScores, float[] wImage,
            float[] wEvent, double[] frameScores) {}

    public record Variant(String name, String description, double auc, double ap) {}

    public record Report(String model, double auc, double ap, double anoAuc, List<Variant> variants,
            List<VideoResult> videos) {}

    private OfflineEvaluation() {}

    public static Report evaluate(ModelFolder model, Path framesRoot, WeakSplit split, Consumer<String> log)
            throws IOException {
        SegmentEncoder encoder = SegmentEncoders.forModel(model);
        List<VideoEmbeddings> videos = new ArrayList<>();
        long t0 = System.nanoTime();
        for (WeakSplit.Video v : split.test()) {
            VideoEmbeddings e = VideoEmbeddings.extract(v.name(), framesRoot.resolve(v.name()), encoder);
            if (e.frames() != v.frameGt().length) {
                log.accept(String.format("warning: %s has %d frames but %d ground-truth labels; scoring the labelled ones",
                        v.name(), e.frames(), v.frameGt().length));
            }
            videos.add(e);
            log.accept(String.format("extract [%d/%d] %s: %d segments (%.1f s)", videos.size(), split.test().size(),
                    v.name(), e.segments(), (System.nanoTime() - t0) / 1e9));
        }
        ModelConfig cfg = model.config();
        ModelConfig.Kalman off = new ModelConfig.Kalman(false, 0.0);
        List<Variant> variants = new ArrayList<>();
        List<VideoResult> results;
        try (FusionHead head = new FusionHead(model)) {
            results = score(head, videos, split, Branch.BOTH, cfg.kalman());
            FrameMetrics.Report main = FrameMetrics.evaluate(toScores(results));
            variants.add(new Variant("fused", describe(cfg, cfg.kalman()), main.auc(), main.ap()));
            variants.add(variant(head, videos, split, Branch.IMAGE, cfg.kalman(), "image_only", cfg));
            variants.add(variant(head, videos, split, Branch.EVENT, cfg.kalman(), "event_only", cfg));
            if (cfg.kalman().enabled()) {
                variants.add(variant(head, videos, split, Branch.BOTH, off, "fused_kalman_off", cfg));
            } else {
                for (double q : new double[] {0.1, 1.0, 10.0}) {
                    variants.add(variant(head, videos, split, Branch.BOTH, new ModelConfig.Kalman(true, q),
                            "fused_kalman_q" + q, cfg));
                }
            }
            if (encoder instanceof CellStatisticsEncoder cells) {
                variants.add(eventDensityBaseline(cells.raw(), framesRoot, split));
            }
            log.accept(String.format("model %s: frame AUC %.4f, AP %.4f over %d test videos", cfg.version(), main.auc(),
                    main.ap(), results.size()));
            return new Report(cfg.version(), main.auc(), main.ap(), main.anoAuc(), variants, results);
        }
    }

    private enum Branch { BOTH, IMAGE, EVENT }

    /**
     * The training-free reference: a segment's score is its mean synthetic-event density (the raw
     * event statistics averaged over cells and sub-windows).
     */
    static Variant eventDensityBaseline(CellStatisticsEncoder raw, Path framesRoot, WeakSplit split) throws IOException {
        List<FrameMetrics.VideoScores> scores = new ArrayList<>();
        for (WeakSplit.Video v : split.test()) {
            VideoEmbeddings e = VideoEmbeddings.extract(v.name(), framesRoot.resolve(v.name()), raw);
            float[] seg = new float[e.segments()];
            for (int s = 0; s < seg.length; s++) {
                double sum = 0;
                for (float x : e.ze()[s]) {
                    sum += x;
                }
                seg[s] = (float) (sum / e.ze()[s].length);
            }
            scores.add(new FrameMetrics.VideoScores(v.name(), v.abnormal() ? "Abnormal" : FrameMetrics.NORMAL_CLASS, seg,
                    v.frameGt()));
        }
        FrameMetrics.Report r = FrameMetrics.evaluate(scores);
        return new Variant("baseline_event_density", "training-free: mean synthetic-event density of the segment",
                r.auc(), r.ap());
    }

    private static Variant variant(FusionHead head, List<VideoEmbeddings> videos, WeakSplit split, Branch branch,
            ModelConfig.Kalman kalman, String name, ModelConfig cfg) {
        FrameMetrics.Report r = FrameMetrics.evaluate(toScores(score(head, videos, split, branch, kalman)));
        String what = switch (branch) {
            case IMAGE -> "image branch only: event input zeroed at evaluation, same trained model; ";
            case EVENT -> "event branch only: image input zeroed at evaluation, same trained model; ";
            case BOTH -> "";
        };
        return new Variant(name, what + describe(cfg, kalman), r.auc(), r.ap());
    }

    private static String describe(ModelConfig cfg, ModelConfig.Kalman k) {
        String att = cfg.attention().causal() ? "causal W=" + cfg.attention().window() : "bidirectional";
        return att + ", Kalman " + (k.enabled() ? "q=" + k.processNoise() : "off");
    }

    private static List<VideoResult> score(FusionHead head, List<VideoEmbeddings> videos, WeakSplit split,
            Branch branch, ModelConfig.Kalman kalman) {
        List<VideoResult> out = new ArrayList<>();
        for (int i = 0; i < videos.size(); i++) {
            VideoEmbeddings v = videos.get(i);
            float[][] zx = branch == Branch.EVENT ? new float[v.segments()][head.config().embedDim()] : v.zx();
            float[][] ze = branch == Branch.IMAGE ? new float[v.segments()][head.config().embedDim()] : v.ze();
            FusionHead.Result r = head.forward(zx, ze, kalman);
            WeakSplit.Video meta = split.test().get(i);
            float[] seg = r.prob().data();
            out.add(new VideoResult(v.name(), meta.abnormal(), meta.frameGt(), seg, rowMeans(r.wX()), rowMeans(r.wE()),
                    FrameMetrics.toFrameScores(seg, meta.frameGt().length)));
        }
        return out;
    }

    private static List<FrameMetrics.VideoScores> toScores(List<VideoResult> results) {
        List<FrameMetrics.VideoScores> s = new ArrayList<>();
        for (VideoResult r : results) {
            s.add(new FrameMetrics.VideoScores(r.name(), r.abnormal() ? "Abnormal" : FrameMetrics.NORMAL_CLASS,
                    r.segmentScores(), r.frameGt()));
        }
        return s;
    }

    static float[] rowMeans(FloatTensor t) {
        int rows = t.dim(0);
        int d = t.dim(1);
        float[] out = new float[rows];
        for (int i = 0; i < rows; i++) {
            double sum = 0;
            for (int j = 0; j < d; j++) {
                sum += t.data()[i * d + j];
            }
            out[i] = (float) (sum / d);
        }
        return out;
    }

    /** The report as a JSON-ready map: auc, ap, ano_auc, variants and per-video frame scores. */
    public static Map<String, Object> toJson(Report r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", r.model());
        m.put("auc", r.auc());
        m.put("ap", r.ap());
        m.put("ano_auc", r.anoAuc());
        List<Map<String, Object>> vs = new ArrayList<>();
        for (Variant v : r.variants()) {
            vs.add(Map.of("name", v.name(), "description", v.description(), "auc", v.auc(), "ap", v.ap()));
        }
        m.put("variants", vs);
        List<Map<String, Object>> videos = new ArrayList<>();
        for (VideoResult v : r.videos()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("video", v.name());
            o.put("label", v.abnormal() ? "abnormal" : "normal");
            o.put("segment_scores", v.segmentScores());
            o.put("w_image", v.wImage());
            o.put("w_event", v.wEvent());
            o.put("frame_scores", v.frameScores());
            videos.add(o);
        }
        m.put("videos", videos);
        return m;
    }
}
