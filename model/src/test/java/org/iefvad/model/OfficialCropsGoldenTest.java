package org.iefvad.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class OfficialCropsGoldenTest {
    private static final Path DIR = SharedData.golden("events_vtest");

    @Test
    void tenCropsOfRawFramesMatchGoldenByteForByte() throws Exception {
        int[] rawShape = new int[4];
        byte[] raw = Npy.readU8(DIR.resolve("raw_bgr_u8.npy"), rawShape);
        int[] cropShape = new int[5];
        byte[] crops = Npy.readU8(DIR.resolve("crops10_rgb_u8.npy"), cropShape);
        assertArrayEquals(new int[] {2, 576, 768, 3}, rawShape, "raw_bgr_u8 shape");
        assertArrayEquals(new int[] {10, 2, 224, 224, 3}, cropShape, "crops10_rgb_u8 shape");
        int frameBytes = rawShape[1] * rawShape[2] * 3;
        int cropBytes = 224 * 224 * 3;
        for (int f = 0; f < 2; f++) {
            byte[] bgr = Arrays.copyOfRange(raw, f * frameBytes, (f + 1) * frameBytes);
            byte[][] mine = OfficialCrops.tenCrops(bgr, rawShape[2], rawShape[1]);
            for (int c = 0; c < 10; c++) {
                int at = (c * 2 + f) * cropBytes;
                assertBytesEqual("frame " + f + " crop " + c, Arrays.copyOfRange(crops, at, at + cropBytes), mine[c]);
            }
        }
    }

    @Test
    void centerCropsEqualTheEventCaseFrames() throws Exception {
        // frames_center_u8 went through the same preprocessing; its first two frames are the raw ones.
        int[] rawShape = new int[4];
        byte[] raw = Npy.readU8(DIR.resolve("raw_bgr_u8.npy"), rawShape);
        int[] crops = new int[5];
        byte[] center = Npy.readU8(DIR.resolve("crops10_rgb_u8.npy"), crops);
        int[] framesShape = new int[5];
        byte[] frames = Npy.readU8(DIR.resolve("frames_center_u8.npy"), framesShape);
        int cropBytes = 224 * 224 * 3;
        int frameBytes = rawShape[1] * rawShape[2] * 3;
        byte[] mine = OfficialCrops.center(Arrays.copyOf(raw, frameBytes), rawShape[2], rawShape[1]);
        assertBytesEqual("center crop vs crops10[0]", Arrays.copyOf(center, cropBytes), mine);
        assertBytesEqual("center crop vs frames_center[0][0]", Arrays.copyOf(frames, cropBytes), mine);
    }

    static void assertBytesEqual(String what, byte[] expected, byte[] actual) {
        if (expected.length != actual.length) {
            fail(what + ": expected " + expected.length + " bytes, got " + actual.length);
        }
        int bad = 0;
        int worst = 0;
        int first = -1;
        for (int i = 0; i < expected.length; i++) {
            int d = Math.abs((expected[i] & 0xFF) - (actual[i] & 0xFF));
            if (d != 0) {
                bad++;
                worst = Math.max(worst, d);
                if (first < 0) {
                    first = i;
                }
            }
        }
        if (bad > 0) {
            fail(what + ": " + bad + " of " + expected.length + " bytes differ, worst by " + worst + ", first at " + first);
        }
    }
}
