package org.iefvad.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns a segment of frames into its image and event embeddings. The default is
 * {@link CellStatisticsEncoder}; GPU encoders (CLIP ViT-L/14 through TorchScript) implement the
 * same interface. Implementations are used from one thread at a time.
 */
public interface SegmentEncoder extends AutoCloseable {
    /** Frames per segment (SPEC 1). */
    int SEGMENT_FRAMES = 16;

    int embedDim();

    /** What is recorded in model.json under {@code encoder}. */
    Map<String, Object> description();

    /** Reduces a decoded frame to what {@link #encode} needs. */
    PreparedFrame prepare(VideoFrame frame);

    /** One segment: 1..16 prepared frames of the same size, in order (a last partial segment has fewer). */
    SegmentEmbedding encode(List<PreparedFrame> frames);

    /** Several segments at once; encoders that gain from batching override this. */
    default List<SegmentEmbedding> encodeBatch(List<List<PreparedFrame>> segments) {
        List<SegmentEmbedding> out = new ArrayList<>(segments.size());
        for (List<PreparedFrame> s : segments) {
            out.add(encode(s));
        }
        return out;
    }

    @Override
    default void close() {}
}
