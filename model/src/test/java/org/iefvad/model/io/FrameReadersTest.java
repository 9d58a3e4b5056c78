package org.iefvad.model.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.iefvad.model.FrameReader;
import org.iefvad.model.SharedData;
import org.iefvad.model.VideoFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FrameReadersTest {
    static final Path VTEST = Path.of("/usr/share/doc/opencv-doc/examples/data/vtest.avi");

    static Path ped2Frames() {
        return SharedData.root().resolve("datasets/ucsd-ped2/frames/testing/01");
    }

    @Test
    void decodesVtestInOrderWithContainerFps() throws Exception {
        try (FrameReader r = FrameReader.open(VTEST)) {
            assertInstanceOf(VideoFileReader.class, r);
            assertTrue(r.fps() > 0, "fps from the container");
            VideoFrame f;
            long n = 0;
            byte[] first = null;
            byte[] last = null;
            while ((f = r.next()) != null) {
                assertEquals(n, f.index());
                assertEquals(768, f.width());
                assertEquals(576, f.height());
                if (first == null) {
                    first = f.bgr();
                }
                last = f.bgr();
                n++;
            }
            assertTrue(n > 700, "vtest.avi has 795 frames, decoded " + n);
            assertNotEquals(Arrays.hashCode(first), Arrays.hashCode(last), "frames change over the video");
            assertNull(r.next(), "stays at the end");
        }
    }

    @Test
    void readsUcsdFramesAsBgrInNameOrder() throws Exception {
        Path dir = ped2Frames();
        BufferedImage ref = ImageIO.read(dir.resolve("000.jpg").toFile());
        try (FrameReader r = FrameReader.open(dir)) {
            assertInstanceOf(ImageFolderReader.class, r);
            assertEquals(0, r.fps());
            VideoFrame f0 = r.next();
            assertEquals(360, f0.width());
            assertEquals(240, f0.height());
            // Cross-check one pixel against ImageIO's own decode.
            int rgb = ref.getRGB(100, 50);
            int i = (50 * 360 + 100) * 3;
            assertEquals(rgb & 0xff, f0.bgr()[i] & 0xff, 2);
            assertEquals((rgb >> 16) & 0xff, f0.bgr()[i + 2] & 0xff, 2);
            int n = 1;
            while (r.next() != null) {
                n++;
            }
            assertEquals(180, n);
        }
    }

    @Test
    void aTruncatedJpegInAFolderIsNamedNotReadHalfGray(@TempDir Path tmp) throws Exception {
        Files.copy(ped2Frames().resolve("000.jpg"), tmp.resolve("000.jpg"));
        byte[] whole = Files.readAllBytes(ped2Frames().resolve("001.jpg"));
        Files.write(tmp.resolve("001.jpg"), Arrays.copyOf(whole, whole.length * 2 / 3));
        assertTrue(ImageIO.read(tmp.resolve("001.jpg").toFile()) != null, "ImageIO alone reads it without complaint");
        try (FrameReader r = FrameReader.open(tmp)) {
            assertEquals(360, r.next().width());
            IOException e = assertThrows(IOException.class, r::next);
            assertTrue(e.getMessage().startsWith(tmp.resolve("001.jpg") + ": unreadable image (damaged JPEG image ("),
                    e.getMessage());
            assertTrue(e.getMessage().contains("premature end"), e.getMessage());
        }
    }

    @Test
    void missingPathIsNamed(@TempDir Path tmp) {
        Path p = tmp.resolve("nope.avi");
        IOException e = assertThrows(IOException.class, () -> FrameReader.open(p));
        assertTrue(e.getMessage().contains(p.toString()) && e.getMessage().contains("no such"), e.getMessage());
    }

    @Test
    void emptyFolderSaysNoImages(@TempDir Path tmp) throws Exception {
        Files.writeString(tmp.resolve("notes.txt"), "not an image");
        IOException e = assertThrows(IOException.class, () -> FrameReader.open(tmp));
        assertTrue(e.getMessage().contains(tmp.toString()) && e.getMessage().contains("no images"), e.getMessage());
    }

    @Test
    void textFileNamedAviIsNotAVideo(@TempDir Path tmp) throws Exception {
        Path p = tmp.resolve("x.avi");
        Files.writeString(p, "this is plain text, not a video\n".repeat(20));
        IOException e = assertThrows(IOException.class, () -> FrameReader.open(p));
        assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("not a readable video") || e.getMessage().contains("decodes no frames"),
                e.getMessage());
    }

    @Test
    void truncatedVideoDecodesNoFrames(@TempDir Path tmp) throws Exception {
        Path p = tmp.resolve("truncated.avi");
        try (InputStream in = Files.newInputStream(VTEST)) {
            Files.write(p, in.readNBytes(4096));
        }
        IOException e = assertThrows(IOException.class, () -> FrameReader.open(p));
        assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("decodes no frames") || e.getMessage().contains("not a readable video"),
                e.getMessage());
    }

    @Test
    void changingImageSizeNamesFileAndBothSizes(@TempDir Path tmp) throws Exception {
        ImageIO.write(new BufferedImage(32, 24, BufferedImage.TYPE_3BYTE_BGR), "png", tmp.resolve("a.png").toFile());
        ImageIO.write(new BufferedImage(32, 24, BufferedImage.TYPE_3BYTE_BGR), "png", tmp.resolve("b.png").toFile());
        ImageIO.write(new BufferedImage(40, 30, BufferedImage.TYPE_3BYTE_BGR), "bmp", tmp.resolve("c.bmp").toFile());
        try (FrameReader r = FrameReader.open(tmp)) {
            assertEquals(32, r.next().width());
            assertEquals(1, r.next().index());
            IOException e = assertThrows(IOException.class, r::next);
            String m = e.getMessage();
            assertTrue(m.contains("c.bmp") && m.contains("40x30") && m.contains("32x24") && m.contains("a.png"), m);
        }
    }

    @Test
    void grayAndColourImagesBecomeBgr(@TempDir Path tmp) throws Exception {
        BufferedImage g = new BufferedImage(4, 2, BufferedImage.TYPE_BYTE_GRAY);
        g.getRaster().setSample(1, 0, 0, 200);
        ImageIO.write(g, "png", tmp.resolve("0.png").toFile());
        BufferedImage c = new BufferedImage(4, 2, BufferedImage.TYPE_INT_RGB);
        c.setRGB(2, 1, 0x102030);
        ImageIO.write(c, "png", tmp.resolve("1.png").toFile());
        try (FrameReader r = FrameReader.open(tmp)) {
            byte[] gray = r.next().bgr();
            assertEquals(200, gray[3] & 0xff);
            assertEquals(200, gray[5] & 0xff);
            byte[] col = r.next().bgr();
            int i = (1 * 4 + 2) * 3;
            assertEquals(0x30, col[i] & 0xff);
            assertEquals(0x20, col[i + 1] & 0xff);
            assertEquals(0x10, col[i + 2] & 0xff);
        }
    }
}
