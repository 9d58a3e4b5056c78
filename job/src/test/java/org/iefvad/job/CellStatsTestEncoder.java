package org.iefvad.job;

import java.util.List;
import java.util.Map;
import org.iefvad.model.PreparedFrame;
import org.iefvad.model.SegmentEmbedding;
import org.iefvad.model.SegmentEncoder;
import org.iefvad.model.VideoFrame;

/**
 * TEST ONLY: a tiny stand-in for the real encoder (CellStatisticsEncoder lives on another branch).
 * prepare: gray, block-averaged by 4. Image embedding: mean intensity of each cell of a GRID x GRID
 * grid, averaged over the segment; event embedding: per cell, the fraction of pixel pairs whose gray
 * value changed by more than 10 between consecutive frames.
 */
final class CellStatsTestEncoder implements SegmentEncoder {
    static final int GRID = 8;
    static final int D = GRID * GRID;
    private static final int BLOCK = 4;

    @Override
    public int embedDim() {
        return D;
    }

    @Override
    public Map<String, Object> description() {
        return Map.of("name", "cell-stats-test", "grid", GRID);
    }

    @Override
    public PreparedFrame prepare(VideoFrame f) {
        int w = Math.max(1, f.width() / BLOCK);
        int h = Math.max(1, f.height() / BLOCK);
        byte[] out = new byte[w * h];
        byte[] bgr = f.bgr();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double sum = 0;
                int n = 0;
                for (int dy = 0; dy < BLOCK && y * BLOCK + dy < f.height(); dy++) {
                    for (int dx = 0; dx < BLOCK && x * BLOCK + dx < f.width(); dx++) {
                        int i = ((y * BLOCK + dy) * f.width() + x * BLOCK + dx) * 3;
                        sum += 0.114 * (bgr[i] & 0xff) + 0.587 * (bgr[i + 1] & 0xff) + 0.2989 * (bgr[i + 2] & 0xff);
                        n++;
                    }
                }
                out[y * w + x] = (byte) Math.min(255, Math.round(sum / n));
            }
        }
        return new PreparedFrame(f.index(), w, h, 1, out);
    }

    @Override
    public SegmentEmbedding encode(List<PreparedFrame> frames) {
        PreparedFrame first = frames.get(0);
        int w = first.width();
        int h = first.height();
        float[] image = new float[D];
        float[] event = new float[D];
        int[] cellPixels = new int[D];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                cellPixels[cell(x, y, w, h)]++;
            }
        }
        for (int t = 0; t < frames.size(); t++) {
            byte[] p = frames.get(t).pixels();
            byte[] prev = t > 0 ? frames.get(t - 1).pixels() : null;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int c = cell(x, y, w, h);
                    int v = p[y * w + x] & 0xff;
                    image[c] += v / 255f;
                    if (prev != null && Math.abs(v - (prev[y * w + x] & 0xff)) > 10) {
                        event[c] += 1;
                    }
                }
            }
        }
        int pairs = Math.max(1, frames.size() - 1);
        for (int c = 0; c < D; c++) {
            int n = Math.max(1, cellPixels[c]);
            image[c] /= (float) n * frames.size();
            event[c] /= (float) n * pairs;
        }
        return new SegmentEmbedding(image, event);
    }

    private static int cell(int x, int y, int w, int h) {
        return Math.min(GRID - 1, y * GRID / h) * GRID + Math.min(GRID - 1, x * GRID / w);
    }
}
