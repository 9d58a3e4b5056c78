package org.iefvad.model;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The default encoder: deterministic statistics per spatial cell of the whole frame (no crop, so
 * anomalies at the edges stay visible), needing no pretrained weights.
 *
 * <p>Image branch, per cell, over the segment's frames: intensity standard deviation and mean
 * gradient magnitude, both relative to the cell's brightness, and the horizontal share of the
 * gradient (orientation). Event branch, per cell: the density of synthetic events
 * (|gray[t+1] - gray[t]| > threshold, SPEC 1) in three temporal sub-windows of the segment. Each
 * statistic's cell values are sorted (position-invariant: ten training videos cannot teach every
 * position an anomaly may take) unless {@code sorted} is false. Optional per-dimension
 * standardisation, fitted on training data, is part of the model folder ({@code encoder.*}).
 */
public final class CellStatisticsEncoder implements SegmentEncoder {
    public static final String NAME = "cell-statistics/1";
    public static final int STATS = 3;
    /** Frames wider than this are box-downscaled by an integer factor before anything else. */
    public static final int MAX_WIDTH = 400;
    private static final double BRIGHTNESS_FLOOR = 10.0;
    // 0.1140, 0.5870, 0.2989 scaled by 1024 (they sum to 1024)
    private static final int GRAY_B = 117;
    private static final int GRAY_G = 601;
    private static final int GRAY_R = 306;

    private int[] cellOfCache;
    private int cacheW;
    private int cacheH;

    private final int grid;
    private final boolean sorted;
    private final float threshold;
    private final float[] imageMean;
    private final float[] imageStd;
    private final float[] eventMean;
    private final float[] eventStd;

    public CellStatisticsEncoder(int grid, boolean sorted, float threshold) {
        this(grid, sorted, threshold, null, null, null, null);
    }

    public CellStatisticsEncoder(int grid, boolean sorted, float threshold, float[] imageMean, float[] imageStd,
            float[] eventMean, float[] eventStd) {
        if (grid < 1) {
            throw new IllegalArgumentException("grid must be >= 1, got " + grid);
        }
        this.grid = grid;
        this.sorted = sorted;
        this.threshold = threshold;
        this.imageMean = imageMean;
        this.imageStd = imageStd;
        this.eventMean = eventMean;
        this.eventStd = eventStd;
    }

    /** The encoder a model folder describes (its {@code encoder} entry and {@code encoder.*} arrays). */
    public static CellStatisticsEncoder fromModel(ModelFolder model) {
        Map<String, Object> d = model.config().encoder();
        if (d == null || !NAME.equals(d.get("name"))) {
            throw new IllegalArgumentException("model's encoder is " + (d == null ? "not described" : d.get("name"))
                    + ", not " + NAME);
        }
        int grid = ((Number) d.get("grid")).intValue();
        boolean sorted = Boolean.TRUE.equals(d.get("sorted"));
        float thr = ((Number) d.get("event_threshold")).floatValue();
        CellStatisticsEncoder e = new CellStatisticsEncoder(grid, sorted, thr, array(model, "encoder.image_mean"),
                array(model, "encoder.image_std"), array(model, "encoder.event_mean"), array(model, "encoder.event_std"));
        if (e.embedDim() != model.config().embedDim()) {
            throw new IllegalArgumentException("encoder gives " + e.embedDim() + " dimensions, head expects "
                    + model.config().embedDim());
        }
        return e;
    }

    private static float[] array(ModelFolder m, String name) {
        FloatTensor t = m.weights().get(name);
        return t == null ? null : t.data();
    }

    /** The same encoder with standardisation fitted elsewhere. */
    public CellStatisticsEncoder withStandardisation(float[] im, float[] is, float[] em, float[] es) {
        return new CellStatisticsEncoder(grid, sorted, threshold, im, is, em, es);
    }

    /** Encoder without standardisation: what standardisation is fitted on. */
    public CellStatisticsEncoder raw() {
        return new CellStatisticsEncoder(grid, sorted, threshold);
    }

    @Override
    public int embedDim() {
        return STATS * grid * grid;
    }

    @Override
    public Map<String, Object> description() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", NAME);
        d.put("grid", grid);
        d.put("sorted", sorted);
        d.put("event_threshold", threshold);
        d.put("max_width", MAX_WIDTH);
        d.put("image_statistics", List.of("relative_intensity_std", "relative_gradient_magnitude", "horizontal_gradient_share"));
        d.put("event_statistics", List.of("event_density_window_0", "event_density_window_1", "event_density_window_2"));
        d.put("standardised", imageMean != null);
        return d;
    }

    /**
     * Gray (0.2989 R + 0.5870 G + 0.1140 B, in 10-bit fixed point: this runs on every pixel of every
     * frame), box-downscaled to at most {@link #MAX_WIDTH} wide.
     */
    @Override
    public PreparedFrame prepare(VideoFrame f) {
        int factor = Math.max(1, (f.width() + MAX_WIDTH - 1) / MAX_WIDTH);
        int w = f.width() / factor;
        int h = f.height() / factor;
        byte[] bgr = f.bgr();
        byte[] out = new byte[w * h];
        if (factor == 1) {
            for (int i = 0, p = 0; i < out.length; i++, p += 3) {
                out[i] = (byte) ((GRAY_B * (bgr[p] & 0xff) + GRAY_G * (bgr[p + 1] & 0xff) + GRAY_R * (bgr[p + 2] & 0xff)
                        + 512) >> 10);
            }
        } else if (factor == 2) {
            int stride = f.width() * 3;
            for (int y = 0; y < h; y++) {
                int r0 = 2 * y * stride;
                int r1 = r0 + stride;
                int o = y * w;
                for (int x = 0, p = 0; x < w; x++, p += 6) {
                    int b = (bgr[r0 + p] & 0xff) + (bgr[r0 + p + 3] & 0xff) + (bgr[r1 + p] & 0xff) + (bgr[r1 + p + 3] & 0xff);
                    int g = (bgr[r0 + p + 1] & 0xff) + (bgr[r0 + p + 4] & 0xff) + (bgr[r1 + p + 1] & 0xff)
                            + (bgr[r1 + p + 4] & 0xff);
                    int r = (bgr[r0 + p + 2] & 0xff) + (bgr[r0 + p + 5] & 0xff) + (bgr[r1 + p + 2] & 0xff)
                            + (bgr[r1 + p + 5] & 0xff);
                    out[o + x] = (byte) ((GRAY_B * b + GRAY_G * g + GRAY_R * r + 2048) >> 12);
                }
            }
        } else {
            int n = factor * factor;
            int stride = f.width() * 3;
            for (int y = 0; y < h; y++) {
                int o = y * w;
                for (int x = 0; x < w; x++) {
                    int acc = 0;
                    for (int dy = 0; dy < factor; dy++) {
                        int p = (y * factor + dy) * stride + x * factor * 3;
                        for (int dx = 0; dx < factor; dx++, p += 3) {
                            acc += GRAY_B * (bgr[p] & 0xff) + GRAY_G * (bgr[p + 1] & 0xff) + GRAY_R * (bgr[p + 2] & 0xff);
                        }
                    }
                    out[o + x] = (byte) Math.min(255, (acc + (n << 9)) / (n << 10));
                }
            }
        }
        return new PreparedFrame(f.index(), w, h, 1, out);
    }

    @Override
    public SegmentEmbedding encode(List<PreparedFrame> frames) {
        if (frames.isEmpty()) {
            throw new IllegalArgumentException("a segment needs at least one frame");
        }
        int w = frames.get(0).width();
        int h = frames.get(0).height();
        for (PreparedFrame f : frames) {
            if (f.width() != w || f.height() != h || f.channels() != 1) {
                throw new IllegalArgumentException("frame " + f.index() + " is " + f.width() + "x" + f.height() + "x"
                        + f.channels() + ", segment started at " + w + "x" + h + "x1");
            }
        }
        int cells = grid * grid;
        int[] cellOf = cellIndex(w, h);
        int[] cellPixels = new int[cells];
        for (int c : cellOf) {
            cellPixels[c]++;
        }
        long[] sum = new long[cells];
        long[] sumSq = new long[cells];
        long[] gradX = new long[cells];
        long[] gradY = new long[cells];
        for (PreparedFrame f : frames) {
            byte[] p = f.pixels();
            for (int y = 0; y < h; y++) {
                int row = y * w;
                int end = row + w - 1;
                boolean lastRow = y + 1 == h;
                for (int i = row; i < end; i++) {
                    int v = p[i] & 0xff;
                    int c = cellOf[i];
                    sum[c] += v;
                    sumSq[c] += v * v;
                    gradX[c] += Math.abs((p[i + 1] & 0xff) - v);
                    if (!lastRow) {
                        gradY[c] += Math.abs((p[i + w] & 0xff) - v);
                    }
                }
                int v = p[end] & 0xff;
                int c = cellOf[end];
                sum[c] += v;
                sumSq[c] += v * v;
                if (!lastRow) {
                    gradY[c] += Math.abs((p[end + w] & 0xff) - v);
                }
            }
        }
        // Contrast statistics divided by the cell's brightness: the scene's illumination differs from
        // video to video and would otherwise be what a handful of training videos teach.
        float[] image = new float[STATS * cells];
        int n = frames.size();
        for (int c = 0; c < cells; c++) {
            double count = (double) cellPixels[c] * n;
            double mean = sum[c] / count;
            double var = Math.max(0, sumSq[c] / count - mean * mean);
            double light = mean + BRIGHTNESS_FLOOR;
            double gx = gradX[c] / count;
            double gy = gradY[c] / count;
            image[c] = (float) (Math.sqrt(var) / light);
            image[cells + c] = (float) ((gx + gy) / light);
            image[2 * cells + c] = (float) (gx / (gx + gy + 1e-6));
        }
        float[] event = new float[STATS * cells];
        int pairs = n - 1;
        if (pairs > 0) {
            long[][] fired = new long[STATS][cells];
            int[] pairsIn = new int[STATS];
            for (int t = 0; t < pairs; t++) {
                int window = Math.min(STATS - 1, t * STATS / Math.max(pairs, 1));
                pairsIn[window]++;
                byte[] a = frames.get(t).pixels();
                byte[] b = frames.get(t + 1).pixels();
                long[] acc = fired[window];
                for (int i = 0; i < a.length; i++) {
                    if (Math.abs((b[i] & 0xff) - (a[i] & 0xff)) > threshold) {
                        acc[cellOf[i]]++;
                    }
                }
            }
            for (int s = 0; s < STATS; s++) {
                for (int c = 0; c < cells; c++) {
                    event[s * cells + c] = pairsIn[s] == 0 ? 0f : (float) fired[s][c] / ((float) cellPixels[c] * pairsIn[s]);
                }
            }
        }
        if (sorted) {
            for (int s = 0; s < STATS; s++) {
                Arrays.sort(image, s * cells, (s + 1) * cells);
                Arrays.sort(event, s * cells, (s + 1) * cells);
            }
        }
        return new SegmentEmbedding(standardise(image, imageMean, imageStd), standardise(event, eventMean, eventStd));
    }

    private static float[] standardise(float[] v, float[] mean, float[] std) {
        if (mean == null) {
            return v;
        }
        for (int i = 0; i < v.length; i++) {
            v[i] = (v[i] - mean[i]) / std[i];
        }
        return v;
    }

    private int[] cellIndex(int w, int h) {
        if (cellOfCache != null && cacheW == w && cacheH == h) {
            return cellOfCache;
        }
        int[] cell = new int[w * h];
        for (int y = 0; y < h; y++) {
            int cy = Math.min(grid - 1, y * grid / h);
            for (int x = 0; x < w; x++) {
                cell[y * w + x] = cy * grid + Math.min(grid - 1, x * grid / w);
            }
        }
        cellOfCache = cell;
        cacheW = w;
        cacheH = h;
        return cell;
    }
}
