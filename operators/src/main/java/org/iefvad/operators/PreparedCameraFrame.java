package org.iefvad.operators;

import org.iefvad.model.PreparedFrame;

/** A frame after {@link org.iefvad.model.SegmentEncoder#prepare}: what the segment state keeps. */
public record PreparedCameraFrame(String camera, long index, long timestampMs, PreparedFrame frame) {}
