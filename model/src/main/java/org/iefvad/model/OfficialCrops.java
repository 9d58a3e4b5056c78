package org.iefvad.model;

/**
 * The official frame preprocessing (SPEC 1): BGR frame resized to 340x256 with OpenCV bilinear
 * interpolation, converted to RGB, then ten 224x224 crops: center, top-left, top-right, bottom-left,
 * bottom-right, and the same five mirrored horizontally. Crops are packed RGB, row-major.
 */
public final class OfficialCrops {
    public static final int WIDTH = 340;
    public static final int HEIGHT = 256;
    public static final int SIZE = 224;
    public static final int COUNT = 10;
    /** Index of the center crop, the only one used for online scoring. */
    public static final int CENTER = 0;

    private static final int[] TOPS = {(HEIGHT - SIZE) / 2, 0, 0, HEIGHT - SIZE, HEIGHT - SIZE};
    private static final int[] LEFTS = {(WIDTH - SIZE) / 2, 0, WIDTH - SIZE, 0, WIDTH - SIZE};

    private OfficialCrops() {}

    /** The frame resized to 340x256, as packed RGB. */
    public static byte[] resizedRgb(byte[] bgr, int width, int height) {
        byte[] img = LinearResize.resize(bgr, width, height, 3, WIDTH, HEIGHT);
        for (int i = 0; i < img.length; i += 3) {
            byte b = img[i];
            img[i] = img[i + 2];
            img[i + 2] = b;
        }
        return img;
    }

    public static byte[] resizedRgb(VideoFrame frame) {
        return resizedRgb(frame.bgr(), frame.width(), frame.height());
    }

    /** Crop {@code index} (0..9) of a 340x256 RGB image from {@link #resizedRgb}. */
    public static byte[] crop(byte[] resizedRgb, int index) {
        if (index < 0 || index >= COUNT) {
            throw new IllegalArgumentException("crop index must be 0..9, got " + index);
        }
        if (resizedRgb.length != WIDTH * HEIGHT * 3) {
            throw new IllegalArgumentException("expected a 340x256 RGB image, got " + resizedRgb.length + " bytes");
        }
        int top = TOPS[index % 5];
        int left = LEFTS[index % 5];
        boolean mirrored = index >= 5;
        byte[] out = new byte[SIZE * SIZE * 3];
        for (int y = 0; y < SIZE; y++) {
            int srcRow = ((top + y) * WIDTH + left) * 3;
            int dstRow = y * SIZE * 3;
            if (!mirrored) {
                System.arraycopy(resizedRgb, srcRow, out, dstRow, SIZE * 3);
                continue;
            }
            for (int x = 0; x < SIZE; x++) {
                int s = srcRow + (SIZE - 1 - x) * 3;
                int d = dstRow + x * 3;
                out[d] = resizedRgb[s];
                out[d + 1] = resizedRgb[s + 1];
                out[d + 2] = resizedRgb[s + 2];
            }
        }
        return out;
    }

    /** All ten crops of a BGR frame, in the official order. */
    public static byte[][] tenCrops(byte[] bgr, int width, int height) {
        byte[] img = resizedRgb(bgr, width, height);
        byte[][] out = new byte[COUNT][];
        for (int i = 0; i < COUNT; i++) {
            out[i] = crop(img, i);
        }
        return out;
    }

    /** The center crop of a BGR frame (streaming uses this one only). */
    public static byte[] center(byte[] bgr, int width, int height) {
        return crop(resizedRgb(bgr, width, height), CENTER);
    }
}
