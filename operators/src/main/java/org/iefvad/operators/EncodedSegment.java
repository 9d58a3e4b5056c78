package org.iefvad.operators;

/** The image and event embeddings of one segment. */
public record EncodedSegment(String camera, long segment, long firstFrame, long lastFrame, float[] zx, float[] ze) {}
