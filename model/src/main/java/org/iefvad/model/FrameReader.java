package org.iefvad.model;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Decoded frames of one video, in order: a video file (JavaCV/FFmpeg) or a folder of images in
 * name order. Errors name the input and what was wrong.
 */
public interface FrameReader extends AutoCloseable {
    /** The next frame, or null at the end. */
    VideoFrame next() throws IOException;

    /** Nominal frames per second; 0 when unknown (image folders). */
    double fps();

    @Override
    void close() throws IOException;

    /** Opens a video file or a folder of images. */
    static FrameReader open(Path source) throws IOException {
        return org.iefvad.model.io.FrameReaders.open(source);
    }
}
