package org.iefvad.model;

/**
 * A frame reduced to what an encoder needs (e.g. a downscaled gray image), so that a stream keeps
 * only that in its per-camera state until a segment is complete.
 */
public record PreparedFrame(long index, int width, int height, int channels, byte[] pixels) {
    public PreparedFrame {
        if (pixels.length != width * height * channels) {
            throw new IllegalArgumentException("prepared frame " + index + ": " + pixels.length + " bytes for "
                    + width + "x" + height + "x" + channels);
        }
    }
}
