package org.iefvad.operators;

import java.util.List;
import org.iefvad.model.PreparedFrame;

/** The prepared frames of one segment (16, or 1..15 for a camera's last one), oldest first. */
public record SegmentFrames(String camera, long segment, long firstFrame, long lastFrame, List<PreparedFrame> frames) {}
