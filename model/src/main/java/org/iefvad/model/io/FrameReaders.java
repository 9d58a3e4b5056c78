package org.iefvad.model.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.iefvad.model.FrameReader;

/** Chooses the reader for a path: a folder is read as images in name order, anything else as a video file. */
public final class FrameReaders {
    private FrameReaders() {}

    public static FrameReader open(Path source) throws IOException {
        if (!Files.exists(source)) {
            throw new IOException(source + ": no such file or folder");
        }
        if (Files.isDirectory(source)) {
            return new ImageFolderReader(source);
        }
        if (!Files.isReadable(source)) {
            throw new IOException(source + ": not readable (permissions)");
        }
        return new VideoFileReader(source);
    }
}
