package org.iefvad.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Frame-level evaluation (SPEC 4) with scikit-learn's definitions: ROC AUC is the trapezoid area under
 * the ROC curve with tied scores forming one threshold, AP is the step sum of (R_n - R_{n-1}) P_n over
 * distinct thresholds. Undefined values (no positive or no negative frame) are NaN, where scikit-learn
 * raises or warns.
 */
public final class FrameMetrics {
    /** Frames per segment: each segment score stands for this many frames. */
    public static final int SEGMENT_FRAMES = 16;
    public static final String NORMAL_CLASS = "Normal";

    private FrameMetrics() {}

    /** One test video: its class, one score per 16-frame segment and its per-frame 0/1 labels. */
    public record VideoScores(String name, String cls, float[] segmentScores, int[] frameGt) {}

    public record ClassReport(double auc, double ap, int videos, int frames) {}

    /**
     * {@code anoAuc}: frames of abnormal videos only; {@code perClass}: for each abnormal class, the frames
     * of that class's videos only, in order of first appearance.
     */
    public record Report(double auc, double ap, double anoAuc, Map<String, ClassReport> perClass) {}

    /**
     * Segment scores repeated to {@code frames} frames: frame f takes segment f/16; frames past the last
     * segment take the last score, segments past the last frame are dropped.
     */
    public static double[] toFrameScores(float[] segmentScores, int frames) {
        if (frames > 0 && segmentScores.length == 0) {
            throw new IllegalArgumentException("no segment scores for " + frames + " frames");
        }
        double[] out = new double[frames];
        int last = segmentScores.length - 1;
        for (int f = 0; f < frames; f++) {
            out[f] = segmentScores[Math.min(f / SEGMENT_FRAMES, last)];
        }
        return out;
    }

    public static double rocAuc(double[] scores, int[] labels) {
        Curve c = Curve.of(scores, labels);
        if (c.positives() == 0 || c.negatives() == 0) {
            return Double.NaN;
        }
        double area = 0;
        double prevTpr = 0;
        double prevFpr = 0;
        for (int i = 0; i < c.points(); i++) {
            double tpr = (double) c.tp()[i] / c.positives();
            double fpr = (double) c.fp()[i] / c.negatives();
            area += (fpr - prevFpr) * (tpr + prevTpr) / 2;
            prevTpr = tpr;
            prevFpr = fpr;
        }
        return area;
    }

    public static double averagePrecision(double[] scores, int[] labels) {
        Curve c = Curve.of(scores, labels);
        if (c.positives() == 0) {
            return Double.NaN;
        }
        double ap = 0;
        double prevRecall = 0;
        for (int i = 0; i < c.points(); i++) {
            long tp = c.tp()[i];
            double recall = (double) tp / c.positives();
            double precision = (double) tp / (tp + c.fp()[i]);
            ap += (recall - prevRecall) * precision;
            prevRecall = recall;
        }
        return ap;
    }

    public static Report evaluate(List<VideoScores> videos) {
        Frames all = Frames.of(videos);
        List<VideoScores> abnormal = videos.stream().filter(v -> !NORMAL_CLASS.equals(v.cls())).toList();
        Frames ano = Frames.of(abnormal);
        Map<String, List<VideoScores>> byClass = new LinkedHashMap<>();
        for (VideoScores v : abnormal) {
            byClass.computeIfAbsent(v.cls(), k -> new ArrayList<>()).add(v);
        }
        Map<String, ClassReport> perClass = new LinkedHashMap<>();
        byClass.forEach((cls, vs) -> {
            Frames f = Frames.of(vs);
            perClass.put(cls, new ClassReport(rocAuc(f.scores, f.labels), averagePrecision(f.scores, f.labels),
                    vs.size(), f.labels.length));
        });
        return new Report(rocAuc(all.scores, all.labels), averagePrecision(all.scores, all.labels),
                rocAuc(ano.scores, ano.labels), perClass);
    }

    /** Concatenated frame scores and labels of some videos, in the given order. */
    private record Frames(double[] scores, int[] labels) {
        static Frames of(List<VideoScores> videos) {
            int n = 0;
            for (VideoScores v : videos) {
                n += v.frameGt().length;
            }
            double[] scores = new double[n];
            int[] labels = new int[n];
            int at = 0;
            for (VideoScores v : videos) {
                int len = v.frameGt().length;
                System.arraycopy(toFrameScores(v.segmentScores(), len), 0, scores, at, len);
                System.arraycopy(v.frameGt(), 0, labels, at, len);
                at += len;
            }
            return new Frames(scores, labels);
        }
    }

    /**
     * Cumulative true and false positives at each distinct score, from the highest down. Positive and
     * negative scores are sorted separately (primitive sorts) and merged, which groups ties exactly.
     */
    private record Curve(long[] tp, long[] fp, int points, long positives, long negatives) {
        static Curve of(double[] scores, int[] labels) {
            if (scores.length != labels.length) {
                throw new IllegalArgumentException(scores.length + " scores for " + labels.length + " labels");
            }
            int np = 0;
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] != 0 && labels[i] != 1) {
                    throw new IllegalArgumentException("label " + labels[i] + " at " + i + " is not 0 or 1");
                }
                if (Double.isNaN(scores[i])) {
                    throw new IllegalArgumentException("score at " + i + " is NaN");
                }
                np += labels[i];
            }
            double[] pos = new double[np];
            double[] neg = new double[labels.length - np];
            for (int i = 0, p = 0, q = 0; i < labels.length; i++) {
                if (labels[i] == 1) {
                    pos[p++] = scores[i];
                } else {
                    neg[q++] = scores[i];
                }
            }
            Arrays.sort(pos);
            Arrays.sort(neg);
            long[] tp = new long[labels.length];
            long[] fp = new long[labels.length];
            int i = pos.length - 1;
            int j = neg.length - 1;
            int points = 0;
            long t = 0;
            long f = 0;
            while (i >= 0 || j >= 0) {
                double threshold = i < 0 ? neg[j] : j < 0 ? pos[i] : Math.max(pos[i], neg[j]);
                // == rather than compare(): -0.0 and 0.0 are one threshold, as in numpy
                while (i >= 0 && pos[i] == threshold) {
                    t++;
                    i--;
                }
                while (j >= 0 && neg[j] == threshold) {
                    f++;
                    j--;
                }
                tp[points] = t;
                fp[points] = f;
                points++;
            }
            return new Curve(tp, fp, points, pos.length, neg.length);
        }
    }
}
