package org.iefvad.operators;

/** A frame the job set aside instead of failing; {@code reason} says why in words. */
public record DeadLetter(String camera, long index, long timestampMs, String reason, int width, int height) {}
