package org.iefvad.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Synthetic event maps from RGB frames (SPEC 1): per pixel, the number of consecutive frame pairs whose
 * gray level changes by more than a threshold, clamped and normalised to [0, 1].
 *
 * <p>Frames are packed RGB, 8 bits per channel, row-major ({@code pixels*3} bytes each). Maps are
 * float32, one value per pixel, row-major. All arithmetic is float32 in the same order as the reference,
 * because the threshold test is sensitive to the last bit of the gray difference.
 */
public final class SyntheticEvents {
    private static final float WR = 0.2989f;
    private static final float WG = 0.5870f;
    private static final float WB = 0.1140f;

    private SyntheticEvents() {}

    /** Gray levels (0..255 scale) of one packed RGB frame. */
    public static float[] gray(byte[] rgb, int pixels) {
        float[] out = new float[pixels];
        gray(rgb, 0, pixels, out);
        return out;
    }

    /** Gray levels of the frame starting at byte {@code offset} of {@code rgb}, written into {@code out}. */
    public static void gray(byte[] rgb, int offset, int pixels, float[] out) {
        if (offset < 0 || offset + 3L * pixels > rgb.length) {
            throw new IllegalArgumentException("frame of " + pixels + " RGB pixels at byte " + offset
                    + " does not fit in " + rgb.length + " bytes");
        }
        for (int p = 0, i = offset; p < pixels; p++, i += 3) {
            out[p] = WR * (rgb[i] & 0xFF) + WG * (rgb[i + 1] & 0xFF) + WB * (rgb[i + 2] & 0xFF);
        }
    }

    /**
     * Clamped fired counts over the {@code frames-1} consecutive pairs of {@code frames} frames stored
     * back to back in {@code rgb} (shape [frames, H, W, 3]) starting at byte {@code offset}.
     */
    public static int[] firedCounts(byte[] rgb, int offset, int frames, int pixels, EventConfig config) {
        byte[][] views = new byte[frames][];
        int[] offsets = new int[frames];
        for (int t = 0; t < frames; t++) {
            views[t] = rgb;
            offsets[t] = offset + t * 3 * pixels;
        }
        return firedCounts(views, offsets, pixels, config);
    }

    /** Clamped fired counts of a segment given as one packed RGB array per frame. */
    public static int[] firedCounts(List<byte[]> frames, int pixels, EventConfig config) {
        return firedCounts(frames.toArray(new byte[0][]), new int[frames.size()], pixels, config);
    }

    /** Streaming event map of one segment: counts divided by the segment's own maximum. */
    public static float[] segmentMap(List<byte[]> frames, int pixels, EventConfig config) {
        return normaliseBySelf(firedCounts(frames, pixels, config));
    }

    private static int[] firedCounts(byte[][] frames, int[] offsets, int pixels, EventConfig config) {
        if (frames.length < 1) {
            throw new IllegalArgumentException("a segment needs at least one frame");
        }
        // The reference compares a float32 array with the threshold, which numpy/torch do in float32.
        float threshold = (float) config.threshold();
        int clamp = config.clamp();
        int[] counts = new int[pixels];
        float[] prev = new float[pixels];
        float[] cur = new float[pixels];
        gray(frames[0], offsets[0], pixels, prev);
        for (int t = 1; t < frames.length; t++) {
            gray(frames[t], offsets[t], pixels, cur);
            for (int p = 0; p < pixels; p++) {
                if (Math.abs(cur[p] - prev[p]) > threshold) {
                    counts[p]++;
                }
            }
            float[] swap = prev;
            prev = cur;
            cur = swap;
        }
        for (int p = 0; p < pixels; p++) {
            if (counts[p] > clamp) {
                counts[p] = clamp;
            }
        }
        return counts;
    }

    /** Counts divided by their own maximum; an all-zero map stays zero. */
    public static float[] normaliseBySelf(int[] counts) {
        return normalise(counts, max(counts));
    }

    /** Official offline behaviour: every segment divided by the maximum over all given segments. */
    public static List<float[]> normaliseByBatch(List<int[]> counts) {
        int max = 0;
        for (int[] c : counts) {
            max = Math.max(max, max(c));
        }
        List<float[]> out = new ArrayList<>(counts.size());
        for (int[] c : counts) {
            out.add(normalise(c, max));
        }
        return out;
    }

    /** The map stacked three times as channel planes [3, H, W], as the event encoder takes it. */
    public static float[] stackedPlanes(float[] map) {
        float[] out = new float[3 * map.length];
        for (int c = 0; c < 3; c++) {
            System.arraycopy(map, 0, out, c * map.length, map.length);
        }
        return out;
    }

    private static float[] normalise(int[] counts, int max) {
        float[] out = new float[counts.length];
        if (max == 0) {
            return out;
        }
        float m = max;
        for (int p = 0; p < counts.length; p++) {
            out[p] = counts[p] / m;
        }
        return out;
    }

    private static int max(int[] counts) {
        int m = 0;
        for (int c : counts) {
            m = Math.max(m, c);
        }
        return m;
    }
}
