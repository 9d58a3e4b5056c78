package org.iefvad.model;

import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Fresh head parameters as PyTorch initialises them (Linear: U(-1/sqrt(in), 1/sqrt(in)) for weight
 * and bias; MultiheadAttention: Xavier-uniform in_proj, zero biases; LayerNorm: ones and zeros),
 * seeded so that training is repeatable.
 */
public final class HeadInitializer {
    private HeadInitializer() {}

    public static ModelFolder initialize(ModelConfig config, long seed) {
        Random rnd = new Random(seed);
        Map<String, FloatTensor> w = new TreeMap<>();
        int d = config.embedDim();
        for (Map.Entry<String, int[]> e : ModelFolder.expectedShapes(config).entrySet()) {
            String name = e.getKey();
            int[] shape = e.getValue();
            int n = 1;
            for (int s : shape) {
                n *= s;
            }
            float[] data = new float[n];
            if (name.contains("norms.") || name.contains("whiten_")) {
                if (name.endsWith(".weight")) {
                    java.util.Arrays.fill(data, 1f);
                }
            } else if (name.endsWith("in_proj_weight")) {
                double bound = Math.sqrt(6.0 / (d + d)); // xavier on each [D, D] block, as PyTorch does for the packed 3D x D
                fill(data, rnd, bound);
            } else if (name.endsWith("in_proj_bias") || name.endsWith("out_proj.bias")) {
                // zeros, as nn.MultiheadAttention
            } else {
                fill(data, rnd, 1.0 / Math.sqrt(d));
            }
            w.put(name, new FloatTensor(shape, data));
        }
        return new ModelFolder(config, w);
    }

    private static void fill(float[] data, Random rnd, double bound) {
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
        }
    }

    /** The defaults of SPEC section 2 at embedding size {@code d}. */
    public static ModelConfig defaults(int d, ModelConfig.Attention attention, ModelConfig.Kalman kalman) {
        return new ModelConfig(ModelConfig.FORMAT, "untrained", d, 8, 2, 10, 0.5, NoiseModel.StudentT, 8.0, 1e-8,
                attention, kalman, null, null);
    }
}
