package org.iefvad.model;

/** The two embeddings of one segment: image {@code z_x} and synthetic-event {@code z_e}, both D long. */
public record SegmentEmbedding(float[] image, float[] event) {}
