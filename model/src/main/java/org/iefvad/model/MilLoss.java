package org.iefvad.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * The training objective of SPEC section 3 on a zero-padded batch: MIL top-k BCE on video labels,
 * KL of each modality against N(0, I) with the effective variance, and the cosine + norm alignment
 * of the two means. Padding is masked in attention and in every mean.
 */
public final class MilLoss {
    private final FusionHead head;
    private final double klWeight;
    private final double regWeight;

    public MilLoss(FusionHead head, double klWeight, double regWeight) {
        this.head = head;
        this.klWeight = klWeight;
        this.regWeight = regWeight;
    }

    /** Loss terms (scalars) and the MIL instance score per video. */
    public record Terms(NDArray total, NDArray cls, NDArray klX, NDArray klE, NDArray reg, NDArray instance) {}

    /**
     * @param zx [B, T, D], zero-padded
     * @param lengths true lengths
     * @param labels 0 normal, 1 abnormal
     */
    public Terms compute(NDArray zx, NDArray ze, int[] lengths, float[] labels, boolean training) {
        return compute(zx, ze, lengths, labels, training, 0);
    }

    /** As {@link #compute(NDArray, NDArray, int[], float[], boolean)} with causal attention of window W (0: bidirectional). */
    public Terms compute(NDArray zx, NDArray ze, int[] lengths, float[] labels, boolean training, int causalWindow) {
        NDManager m = zx.getManager();
        int b = (int) zx.getShape().get(0);
        int t = (int) zx.getShape().get(1);
        int d = (int) zx.getShape().get(2);
        FusionHead.Encoded enc = head.encode(zx, ze, lengths, causalWindow, training);
        NDArray prob = ai.djl.nn.Activation.sigmoid(head.classify(head.refine(enc.fused())).reshape(b, t));
        NDArray[] instances = new NDArray[b];
        for (int i = 0; i < b; i++) {
            int len = lengths[i];
            int k = Math.min(len, len / 16 + 1);
            NDArray sorted = prob.get(new NDIndex("{}, 0:{}", i, len)).sort(0);
            instances[i] = sorted.get(new NDIndex("{}:", len - k)).mean();
        }
        NDArray instance = NDArrays.stack(new ai.djl.ndarray.NDList(instances));
        NDArray y = m.create(labels);
        // torch's BCELoss clamps log at -100 and keeps gradients finite; a clip before the log does
        // both without the 0 * inf of clamping after it once a score saturates at 0 or 1
        NDArray p = instance.clip(1e-12f, 1f - 1e-7f);
        NDArray cls = y.mul(p.log()).add(y.neg().add(1f).mul(p.neg().add(1f).log())).mean().neg();

        float[] maskData = new float[b * t];
        int valid = 0;
        for (int i = 0; i < b; i++) {
            for (int s = 0; s < lengths[i]; s++) {
                maskData[i * t + s] = 1f;
                valid++;
            }
        }
        NDArray mask = m.create(maskData, new Shape(b, t));
        double lvShift = head.config().noiseModel() == NoiseModel.StudentT
                ? Math.log(head.config().nu() / (head.config().nu() + 1.0)) : 0.0;
        NDArray klX = kl(enc.muX(), enc.logvarX(), mask, valid * (float) d, (float) lvShift);
        NDArray klE = kl(enc.muE(), enc.logvarE(), mask, valid * (float) d, (float) lvShift);

        NDArray dot = enc.muX().mul(enc.muE()).sum(new int[] {2});
        NDArray nx = enc.muX().square().sum(new int[] {2}).sqrt();
        NDArray ne = enc.muE().square().sum(new int[] {2}).sqrt();
        NDArray cos = dot.div(nx.mul(ne).maximum(1e-8f));
        NDArray reg = cos.neg().add(1f).mul(mask).sum().div((float) valid)
                .add(nx.sub(ne).abs().mul(mask).sum().div((float) valid));

        NDArray total = cls.add(klX.add(klE).mul((float) klWeight)).add(reg.mul((float) regWeight));
        return new Terms(total, cls, klX, klE, reg, instance);
    }

    private static NDArray kl(NDArray mu, NDArray logvar, NDArray mask, float count, float shift) {
        NDArray lv = logvar.add(shift);
        NDArray inner = lv.add(1f).sub(mu.square()).sub(lv.exp());
        return inner.mul(mask.expandDims(2)).sum().div(count).mul(-0.5f);
    }
}
