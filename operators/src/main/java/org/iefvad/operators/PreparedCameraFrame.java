package org.iefvad.operators;

import org.iefvad.model.PreparedFrame;

/**
 * A frame after {@link org.iefvad.model.SegmentEncoder#prepare}: what the segment state keeps.
 * {@code source} is carried from {@link CameraFrame#source()} (null for files); the segment state
 * does not keep it, only a frame held back for its size does.
 */
public record PreparedCameraFrame(String camera, long index, long timestampMs, PreparedFrame frame, byte[] source) {
    public PreparedCameraFrame(String camera, long index, long timestampMs, PreparedFrame frame) {
        this(camera, index, timestampMs, frame, null);
    }
}
