package org.iefvad.model;

import java.util.Arrays;

/** A dense float32 array in C order; what .npy files and model weights hold. */
public record FloatTensor(int[] shape, float[] data) {

    public FloatTensor {
        long n = 1;
        for (int s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n *= s;
        }
        if (n != data.length) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " needs " + n + " values, got " + data.length);
        }
    }

    public static FloatTensor of(float[][] rows) {
        int t = rows.length;
        int d = t == 0 ? 0 : rows[0].length;
        float[] out = new float[t * d];
        for (int i = 0; i < t; i++) {
            if (rows[i].length != d) {
                throw new IllegalArgumentException("ragged rows: row " + i + " has " + rows[i].length + ", expected " + d);
            }
            System.arraycopy(rows[i], 0, out, i * d, d);
        }
        return new FloatTensor(new int[] {t, d}, out);
    }

    public int dim(int i) {
        return shape[i];
    }

    public int rank() {
        return shape.length;
    }

    /** Rows of a 2-D tensor. */
    public float[][] rows() {
        if (shape.length != 2) {
            throw new IllegalStateException("rows() needs a 2-D tensor, shape is " + Arrays.toString(shape));
        }
        float[][] out = new float[shape[0]][shape[1]];
        for (int i = 0; i < shape[0]; i++) {
            System.arraycopy(data, i * shape[1], out[i], 0, shape[1]);
        }
        return out;
    }

    public String shapeString() {
        return Arrays.toString(shape);
    }
}
