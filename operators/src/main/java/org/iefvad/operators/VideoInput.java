package org.iefvad.operators;

import java.io.Serializable;
import java.nio.file.Path;

/** One camera's input: a video file or a folder of frames. */
public record VideoInput(String camera, String path) implements Serializable {
    public VideoInput {
        if (camera == null || camera.isBlank()) {
            throw new IllegalArgumentException("camera id is empty for " + path);
        }
        if (path == null || path.isBlank()) {
            throw new IllegalArgumentException("camera " + camera + " has no path");
        }
    }

    public static VideoInput of(String camera, Path path) {
        return new VideoInput(camera, path.toAbsolutePath().normalize().toString());
    }
}
