package org.iefvad.operators;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.iefvad.model.FusionHead;

/** Refinement and classifier (SPEC 2.6-2.7) on the filtered state, then the reported score. */
public class SegmentClassifier extends RichMapFunction<FilteredStep, SegmentScore> {
    public static final String NAME = "classify-segments";
    public static final String UID = "classify-segments-v1";

    /** The full head output of one segment: refined state, logit and sigmoid score. */
    public record Classification(float[] refined, float logit, float prob) {}

    private final ModelRef model;
    private transient FusionHead head;
    private transient String version;

    public SegmentClassifier(ModelRef model) {
        this.model = model;
    }

    @Override
    public void open(OpenContext ctx) throws Exception {
        head = new FusionHead(model.load());
        version = head.config().version() == null ? "unversioned" : head.config().version();
    }

    /** Refinement and classifier for one step, with every intermediate the golden cases check. */
    public Classification classify(FilteredStep in) {
        FusionHead.Classified c = head.classifyRows(new float[][] {in.stateMean()});
        return new Classification(c.refined()[0], c.logits()[0], c.prob(0));
    }

    @Override
    public SegmentScore map(FilteredStep in) {
        Classification c = classify(in);
        FusedStep s = in.step();
        return new SegmentScore(s.camera(), s.segment(), s.firstFrame(), s.lastFrame(), c.prob(), mean(s.wX()),
                mean(s.wE()), mean(in.stateVariance()), version);
    }

    static double mean(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += x;
        }
        return v.length == 0 ? Double.NaN : sum / v.length;
    }

    @Override
    public void close() {
        if (head != null) {
            head.close();
        }
    }
}
