package org.iefvad.operators;

/** One decoded frame of one camera: packed BGR, {@code width*height*3} bytes; timestamp from the frame index and fps. */
public record CameraFrame(String camera, long index, long timestampMs, int width, int height, byte[] bgr) {}
