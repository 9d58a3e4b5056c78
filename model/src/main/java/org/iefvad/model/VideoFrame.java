package org.iefvad.model;

/**
 * One decoded frame: packed BGR, 8 bits per channel, row-major, {@code width*height*3} bytes.
 * {@code index} is the frame's position in its video (0-based).
 */
public record VideoFrame(long index, int width, int height, byte[] bgr) {
    public VideoFrame {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("frame " + index + ": bad size " + width + "x" + height);
        }
        if (bgr.length != width * height * 3) {
            throw new IllegalArgumentException("frame " + index + ": " + bgr.length + " bytes for " + width + "x" + height + " BGR");
        }
    }
}
