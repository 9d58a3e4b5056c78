package org.iefvad.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CellStatisticsEncoderTest {
    static final int W = 160;
    static final int H = 120;

    /** A textured background with a bright square moving right by 4 pixels a frame, starting at x0. */
    static List<VideoFrame> movingSquare(int x0, int y0, int frames, boolean mirror) {
        List<VideoFrame> out = new ArrayList<>();
        for (int t = 0; t < frames; t++) {
            byte[] bgr = new byte[W * H * 3];
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    int v = 60 + ((x / 7 + y / 5) % 3) * 20;
                    int sx = x0 + 4 * t;
                    if (x >= sx && x < sx + 12 && y >= y0 && y < y0 + 12) {
                        v = 230;
                    }
                    int px = mirror ? W - 1 - x : x;
                    int p = (y * W + px) * 3;
                    bgr[p] = bgr[p + 1] = bgr[p + 2] = (byte) v;
                }
            }
            out.add(new VideoFrame(t, W, H, bgr));
        }
        return out;
    }

    static SegmentEmbedding encode(SegmentEncoder e, List<VideoFrame> frames) {
        return e.encode(frames.stream().map(e::prepare).toList());
    }

    @Test
    void dimensionIsThreeStatisticsPerCell() {
        assertEquals(192, new CellStatisticsEncoder(8, true, 10f).embedDim());
        SegmentEmbedding s = encode(new CellStatisticsEncoder(8, true, 10f), movingSquare(20, 20, 16, false));
        assertEquals(192, s.image().length);
        assertEquals(192, s.event().length);
    }

    @Test
    void sortedStatisticsDoNotDependOnWhereTheObjectIs() {
        CellStatisticsEncoder sorted = new CellStatisticsEncoder(4, true, 10f);
        CellStatisticsEncoder tied = new CellStatisticsEncoder(4, false, 10f);
        // the mirrored scene puts the same content in mirrored cells (cell width 40 divides 160)
        SegmentEmbedding a = encode(sorted, movingSquare(0, 40, 16, false));
        SegmentEmbedding b = encode(sorted, movingSquare(0, 40, 16, true));
        assertArrayEquals(a.event(), b.event(), 1e-6f);
        SegmentEmbedding c = encode(tied, movingSquare(0, 40, 16, false));
        SegmentEmbedding d = encode(tied, movingSquare(0, 40, 16, true));
        assertFalse(Arrays.equals(c.event(), d.event()), "position-tied statistics see the move");
    }

    @Test
    void motionAtTheFramesEdgeIsSeen() {
        CellStatisticsEncoder e = new CellStatisticsEncoder(8, true, 10f);
        SegmentEmbedding still = encode(e, movingSquare(-100, 0, 16, false)); // square never enters
        SegmentEmbedding edge = encode(e, movingSquare(0, 0, 16, false)); // top-left corner cells
        float maxStill = 0;
        float maxEdge = 0;
        for (int i = 0; i < still.event().length; i++) {
            maxStill = Math.max(maxStill, still.event()[i]);
            maxEdge = Math.max(maxEdge, edge.event()[i]);
        }
        assertEquals(0f, maxStill);
        assertTrue(maxEdge > 0.05f, "event density in the corner cell: " + maxEdge);
    }

    @Test
    void aPartialSegmentOfOneFrameHasNoEventsAndFramesOfAnotherSizeAreRejected() {
        CellStatisticsEncoder e = new CellStatisticsEncoder(8, true, 10f);
        SegmentEmbedding one = encode(e, movingSquare(10, 10, 1, false));
        for (float v : one.event()) {
            assertEquals(0f, v);
        }
        List<PreparedFrame> mixed = new ArrayList<>(movingSquare(10, 10, 2, false).stream().map(e::prepare).toList());
        mixed.add(new PreparedFrame(9, 80, 60, 1, new byte[80 * 60]));
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> e.encode(mixed));
        assertTrue(ex.getMessage().contains("frame 9 is 80x60"), ex.getMessage());
    }

    @Test
    void wideFramesAreDownscaledBeforeEncoding() {
        CellStatisticsEncoder e = new CellStatisticsEncoder(8, true, 10f);
        PreparedFrame p = e.prepare(new VideoFrame(0, 768, 576, new byte[768 * 576 * 3]));
        assertEquals(384, p.width());
        assertEquals(288, p.height());
    }
}
