package org.iefvad.model;

/**
 * Bilinear resize of 8-bit interleaved images, bit-exact with OpenCV's {@code cv::resize(INTER_LINEAR)}
 * on {@code CV_8U}: half-pixel centres, coefficients rounded to 11 fractional bits, a horizontal pass
 * into ints, then OpenCV's vertical fixed-point pass. Official features were extracted with OpenCV, so
 * matching it byte for byte keeps our crops identical to theirs.
 */
public final class LinearResize {
    private static final int COEF_BITS = 11;
    private static final int COEF_SCALE = 1 << COEF_BITS;

    private LinearResize() {}

    /** Resizes {@code src} (sh rows of sw pixels of {@code channels} bytes) to dh rows of dw pixels. */
    public static byte[] resize(byte[] src, int sw, int sh, int channels, int dw, int dh) {
        if (sw <= 0 || sh <= 0 || dw <= 0 || dh <= 0 || channels <= 0) {
            throw new IllegalArgumentException("bad resize " + sw + "x" + sh + " -> " + dw + "x" + dh + " x" + channels);
        }
        if (src.length != sw * sh * channels) {
            throw new IllegalArgumentException(src.length + " bytes for " + sw + "x" + sh + "x" + channels);
        }
        if (sw == dw && sh == dh) {
            return src.clone();
        }
        if (sw == 2 * dw && sh == 2 * dh) {
            // OpenCV switches an exact 2x reduction to its area path, a rounded 2x2 mean.
            return halve(src, sw, channels, dw, dh);
        }
        int[] xofs = new int[dw];
        short[] alpha = new short[2 * dw];
        int xmax = coefficients(sw, dw, xofs, alpha, true);
        int[] yofs = new int[dh];
        short[] beta = new short[2 * dh];
        coefficients(sh, dh, yofs, beta, false);

        int rowLen = dw * channels;
        byte[] dst = new byte[dh * rowLen];
        int[] row0 = new int[rowLen];
        int[] row1 = new int[rowLen];
        for (int dy = 0; dy < dh; dy++) {
            // Unlike columns, rows are clamped by index only; the weights keep their unclamped values.
            horizontal(src, clamp(yofs[dy], sh) * sw * channels, channels, dw, xofs, alpha, xmax, row0);
            horizontal(src, clamp(yofs[dy] + 1, sh) * sw * channels, channels, dw, xofs, alpha, xmax, row1);
            int b0 = beta[2 * dy];
            int b1 = beta[2 * dy + 1];
            int o = dy * rowLen;
            for (int x = 0; x < rowLen; x++) {
                // OpenCV's VResizeLinear<uchar,int,short>: drops 4 bits before each product to stay in 32 bits.
                int v = (((b0 * (row0[x] >> 4)) >> 16) + ((b1 * (row1[x] >> 4)) >> 16) + 2) >> 2;
                dst[o + x] = (byte) (v < 0 ? 0 : Math.min(v, 255));
            }
        }
        return dst;
    }

    /**
     * Source index and the two rounded weights per destination index; returns the first destination
     * index whose right neighbour would fall outside the source (OpenCV's xmax).
     */
    private static int coefficients(int ssize, int dsize, int[] ofs, short[] w, boolean clampAtBorders) {
        double scale = 1.0 / ((double) dsize / ssize);
        int max = dsize;
        for (int d = 0; d < dsize; d++) {
            float f = (float) ((d + 0.5) * scale - 0.5);
            int s = (int) Math.floor(f);
            f -= s;
            if (clampAtBorders) {
                if (s < 0) {
                    f = 0;
                    s = 0;
                }
                if (s + 1 >= ssize) {
                    max = Math.min(max, d);
                    if (s >= ssize - 1) {
                        f = 0;
                        s = ssize - 1;
                    }
                }
            }
            ofs[d] = s;
            w[2 * d] = saturateShort((1.f - f) * COEF_SCALE);
            w[2 * d + 1] = saturateShort(f * COEF_SCALE);
        }
        return max;
    }

    private static void horizontal(byte[] src, int rowStart, int cn, int dw, int[] xofs, short[] alpha, int xmax, int[] out) {
        for (int dx = 0; dx < dw; dx++) {
            int s = rowStart + xofs[dx] * cn;
            int o = dx * cn;
            if (dx < xmax) {
                int a0 = alpha[2 * dx];
                int a1 = alpha[2 * dx + 1];
                for (int k = 0; k < cn; k++) {
                    out[o + k] = (src[s + k] & 0xFF) * a0 + (src[s + cn + k] & 0xFF) * a1;
                }
            } else {
                for (int k = 0; k < cn; k++) {
                    out[o + k] = (src[s + k] & 0xFF) * COEF_SCALE;
                }
            }
        }
    }

    private static byte[] halve(byte[] src, int sw, int cn, int dw, int dh) {
        byte[] dst = new byte[dw * dh * cn];
        int srow = sw * cn;
        for (int y = 0; y < dh; y++) {
            for (int x = 0; x < dw; x++) {
                for (int k = 0; k < cn; k++) {
                    int i = 2 * y * srow + 2 * x * cn + k;
                    int sum = (src[i] & 0xFF) + (src[i + cn] & 0xFF) + (src[i + srow] & 0xFF) + (src[i + srow + cn] & 0xFF);
                    // OpenCV's vector path (1, 3, 4 channels) adds 2 and shifts; its scalar path rounds half to even.
                    int v = cn == 1 || cn == 3 || cn == 4 ? (sum + 2) >> 2 : (int) Math.rint(sum * 0.25f);
                    dst[(y * dw + x) * cn + k] = (byte) v;
                }
            }
        }
        return dst;
    }

    private static int clamp(int i, int size) {
        return i < 0 ? 0 : Math.min(i, size - 1);
    }

    /** OpenCV's saturate_cast&lt;short&gt;(float): round half to even, then saturate. */
    private static short saturateShort(float v) {
        double r = Math.rint(v);
        return (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, r));
    }
}
