package org.iefvad.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The segment embeddings of one video: 16-frame segments in order, the last one partial when the
 * frame count is not a multiple of 16 (so that every frame gets a score).
 */
public record VideoEmbeddings(String name, float[][] zx, float[][] ze, int frames) {

    public int segments() {
        return zx.length;
    }

    public static VideoEmbeddings extract(String name, Path source, SegmentEncoder encoder) throws IOException {
        List<float[]> zx = new ArrayList<>();
        List<float[]> ze = new ArrayList<>();
        List<PreparedFrame> segment = new ArrayList<>(SegmentEncoder.SEGMENT_FRAMES);
        int frames = 0;
        try (FrameReader reader = FrameReader.open(source)) {
            VideoFrame f;
            while ((f = reader.next()) != null) {
                segment.add(encoder.prepare(f));
                frames++;
                if (segment.size() == SegmentEncoder.SEGMENT_FRAMES) {
                    add(encoder.encode(segment), zx, ze);
                    segment.clear();
                }
            }
        }
        if (!segment.isEmpty()) {
            add(encoder.encode(segment), zx, ze);
        }
        return new VideoEmbeddings(name, zx.toArray(new float[0][]), ze.toArray(new float[0][]), frames);
    }

    private static void add(SegmentEmbedding e, List<float[]> zx, List<float[]> ze) {
        zx.add(e.image());
        ze.add(e.event());
    }
}
