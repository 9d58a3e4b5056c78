package org.iefvad.operators;

/**
 * One decoded frame of one camera: packed BGR, {@code width*height*3} bytes. {@code source} is the
 * input record's original value (the encoded image) when the frame came from Kafka, so that a
 * frame set aside later can still go to the dead letters as it arrived; null for files.
 */
public record CameraFrame(String camera, long index, long timestampMs, int width, int height, byte[] bgr,
        byte[] source) {
    public CameraFrame(String camera, long index, long timestampMs, int width, int height, byte[] bgr) {
        this(camera, index, timestampMs, width, height, bgr, null);
    }
}
