package org.iefvad.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LinearResizeTest {

    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    @Test
    void halvingWidthAveragesNeighboursWithFixedPointRounding() {
        // weights 1024/1024 on 10 and 21: exact 15.5, OpenCV's fixed point gives 16; 10 and 20 give 15.
        assertArrayEquals(bytes(16), LinearResize.resize(bytes(10, 21), 2, 1, 1, 1, 1));
        assertArrayEquals(bytes(15), LinearResize.resize(bytes(10, 20), 2, 1, 1, 1, 1));
    }

    @Test
    void exactTwoByTwoReductionRoundsHalfUp() {
        // OpenCV takes its area path here: (0+0+1+1+2)>>2 = 1, where round-half-even of 0.5 would give 0.
        assertArrayEquals(bytes(1, 255), LinearResize.resize(bytes(0, 0, 255, 255, 1, 1, 255, 255), 4, 2, 1, 2, 1));
    }

    @Test
    void upscalingKeepsBorderPixelsAndInterpolatesInside() {
        // 2 -> 4 pixels: source positions -0.25, 0.25, 0.75, 1.25 -> clamped at both borders.
        assertArrayEquals(bytes(0, 50, 150, 200), LinearResize.resize(bytes(0, 200), 2, 1, 1, 4, 1));
    }

    @Test
    void sameSizeIsACopy() {
        byte[] src = bytes(1, 2, 3, 4, 5, 6);
        assertArrayEquals(src, LinearResize.resize(src, 2, 1, 3, 2, 1));
    }

    @Test
    void rejectsAWrongBufferSize() {
        assertThrows(IllegalArgumentException.class, () -> LinearResize.resize(new byte[5], 2, 1, 3, 1, 1));
    }
}
