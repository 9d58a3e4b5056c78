package org.iefvad.operators;

import org.iefvad.model.FusionHead;

/** Per-step fusion of one segment (SPEC 2.1-2.4), before the Kalman update; w_x and w_e are normalised. */
public record FusedStep(String camera, long segment, long firstFrame, long lastFrame, float[] muX, float[] muE,
        float[] logvarX, float[] logvarE, float[] wX, float[] wE, float[] fused, float[] variance) {

    static FusedStep of(EncodedSegment s, FusionHead.Step step) {
        return new FusedStep(s.camera(), s.segment(), s.firstFrame(), s.lastFrame(), step.muX(), step.muE(),
                step.logvarX(), step.logvarE(), step.wX(), step.wE(), step.fused(), step.variance());
    }
}
