package org.iefvad.model.io;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.iefvad.model.FrameReader;
import org.iefvad.model.VideoFrame;

/**
 * Reads a folder of images (.jpg, .jpeg, .png, .bmp) in file-name order as one video. Datasets such
 * as UCSD Ped2 ship frames this way. Every image must have the size of the first.
 */
public final class ImageFolderReader implements FrameReader {
    private static final List<String> EXTENSIONS = List.of(".jpg", ".jpeg", ".png", ".bmp");

    private final Path folder;
    private final List<Path> files;
    private int next;
    private int width = -1;
    private int height = -1;
    private Path first;
    private byte[] lastBytes;

    public ImageFolderReader(Path folder) throws IOException {
        this.folder = folder;
        try (Stream<Path> s = Files.list(folder)) {
            files = s.filter(Files::isRegularFile).filter(ImageFolderReader::isImage)
                    .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString())).toList();
        }
        if (files.isEmpty()) {
            throw new IOException(folder + ": folder has no images (" + String.join(", ", EXTENSIONS) + ")");
        }
    }

    static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return EXTENSIONS.stream().anyMatch(n::endsWith);
    }

    public int size() {
        return files.size();
    }

    /** The file that the last frame {@link #next} returned was read from. */
    public Path lastFile() {
        return files.get(next - 1);
    }

    /** That file's bytes as they are on disk, the image before decoding. */
    public byte[] lastFileBytes() {
        return lastBytes;
    }

    @Override
    public VideoFrame next() throws IOException {
        if (next >= files.size()) {
            return null;
        }
        Path file = files.get(next);
        BufferedImage img;
        try {
            lastBytes = Files.readAllBytes(file);
            img = ImageDecoder.decode(lastBytes);
        } catch (IOException e) {
            throw new IOException(file + ": unreadable image (" + e.getMessage() + ")", e);
        }
        if (width < 0) {
            width = img.getWidth();
            height = img.getHeight();
            first = file;
        } else if (img.getWidth() != width || img.getHeight() != height) {
            throw new IOException(file + ": image is " + img.getWidth() + "x" + img.getHeight() + " but " + first
                    + " (the folder's first) is " + width + "x" + height + "; frames of one video must share a size");
        }
        return new VideoFrame(next++, width, height, toBgr(img));
    }

    /** Packed BGR bytes; gray images are replicated rather than colour-converted, which would apply a gamma curve. */
    static byte[] toBgr(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        byte[] out = new byte[w * h * 3];
        if (img.getType() == BufferedImage.TYPE_3BYTE_BGR) {
            Raster r = img.getRaster();
            if (r.getDataBuffer() instanceof DataBufferByte db && db.getData().length == out.length
                    && r.getSampleModelTranslateX() == 0 && r.getSampleModelTranslateY() == 0) {
                System.arraycopy(db.getData(), 0, out, 0, out.length);
                return out;
            }
        }
        Raster r = img.getRaster();
        if (r.getNumBands() == 1 && img.getColorModel().getPixelSize() == 8) {
            int[] g = r.getSamples(0, 0, w, h, 0, (int[]) null);
            for (int i = 0; i < g.length; i++) {
                byte v = (byte) g[i];
                out[3 * i] = v;
                out[3 * i + 1] = v;
                out[3 * i + 2] = v;
            }
            return out;
        }
        int[] rgb = img.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < rgb.length; i++) {
            int p = rgb[i];
            out[3 * i] = (byte) p;
            out[3 * i + 1] = (byte) (p >> 8);
            out[3 * i + 2] = (byte) (p >> 16);
        }
        return out;
    }

    @Override
    public double fps() {
        return 0;
    }

    @Override
    public void close() {}

    @Override
    public String toString() {
        return "images in " + folder;
    }
}
