package org.iefvad.model.io;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes one JPEG, PNG or BMP image with the reader's warnings taken as errors. ImageIO decodes
 * a truncated JPEG without an exception, with its missing part gray, and only warns; the step to
 * gray would fire synthetic events like motion, so such a frame must not be scored.
 */
public final class ImageDecoder {
    private ImageDecoder() {}

    /**
     * The decoded image. Throws with "not an image ImageIO can read (N bytes)" or
     * "damaged FORMAT image (warnings, N bytes)".
     */
    public static BufferedImage decode(byte[] image) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(image))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new IOException("not an image ImageIO can read (" + image.length + " bytes)");
            }
            ImageReader reader = readers.next();
            List<String> warnings = new ArrayList<>();
            reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
            try {
                reader.setInput(in, true, true);
                BufferedImage img = reader.read(0);
                if (!warnings.isEmpty()) {
                    throw new IOException("damaged " + reader.getFormatName() + " image (" + String.join("; ", warnings)
                            + ", " + image.length + " bytes)");
                }
                return img;
            } finally {
                reader.dispose();
            }
        }
    }
}
