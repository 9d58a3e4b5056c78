package org.iefvad.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.HashMap;
import java.util.Map;

/** AdamW as in PyTorch (decoupled weight decay, bias-corrected moments), updating parameters in place. */
public final class AdamW {
    private final NDManager manager;
    private final double beta1 = 0.9;
    private final double beta2 = 0.999;
    private final double eps = 1e-8;
    private final double weightDecay;
    private final Map<String, NDArray> m = new HashMap<>();
    private final Map<String, NDArray> v = new HashMap<>();
    private int step;

    public AdamW(NDManager manager, double weightDecay) {
        this.manager = manager;
        this.weightDecay = weightDecay;
    }

    /** One update with learning rate {@code lr}; gradients are read from the parameters. */
    public void step(Map<String, NDArray> params, double lr) {
        step++;
        double c1 = 1 - Math.pow(beta1, step);
        double c2 = 1 - Math.pow(beta2, step);
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            NDArray p = e.getValue();
            try (NDManager scope = manager.newSubManager()) {
                NDArray g = p.getGradient();
                g.attach(scope);
                NDArray mi = m.computeIfAbsent(e.getKey(), k -> manager.zeros(p.getShape()));
                NDArray vi = v.computeIfAbsent(e.getKey(), k -> manager.zeros(p.getShape()));
                mi.muli((float) beta1).addi(g.mul((float) (1 - beta1)));
                vi.muli((float) beta2).addi(g.square().mul((float) (1 - beta2)));
                // results of ops on m and v land in the optimizer's manager: move them to the step's scope
                NDArray vHat = vi.div((float) c2);
                vHat.attach(scope);
                NDArray mHat = mi.div((float) c1);
                mHat.attach(scope);
                NDArray update = mHat.div(vHat.sqrt().add((float) eps)).mul((float) lr);
                p.muli((float) (1 - lr * weightDecay));
                p.subi(update);
            }
        }
    }
}
