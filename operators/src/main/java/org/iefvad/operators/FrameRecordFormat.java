package org.iefvad.operators;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.iefvad.model.VideoFrame;
import org.iefvad.model.io.ImageDecoder;

/**
 * The frames topic's record format (README, "Kafka"): key = camera id (UTF-8), value = the image
 * as JPEG or PNG, headers {@value #FRAME_INDEX} and {@value #CAPTURE_TIME} (required) and
 * {@value #WIDTH}/{@value #HEIGHT} (optional), each a decimal number in UTF-8 so that console
 * tools show them as they are.
 */
public final class FrameRecordFormat {
    public static final String FRAME_INDEX = "frame.index";
    public static final String CAPTURE_TIME = "capture.time.ms";
    public static final String WIDTH = "width";
    public static final String HEIGHT = "height";

    /** Image encodings that the publisher writes; the reader takes whatever ImageIO reads. */
    public enum ImageFormat {
        JPEG("jpg"), PNG("png");

        final String imageIoName;

        ImageFormat(String imageIoName) {
            this.imageIoName = imageIoName;
        }

        public static ImageFormat parse(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "jpeg", "jpg" -> JPEG;
                case "png" -> PNG;
                default -> throw new IllegalArgumentException("image format must be jpeg or png, got " + s);
            };
        }
    }

    /**
     * JPEG quality of frames this project encodes. The bundled encoder's synthetic events fire on
     * gray-level steps of 10, and JPEG noise crosses that: Ped2 testing/02 (JPEG files, mean score
     * 0.603 read as files) scored 0.989 re-encoded at ImageIO's default 0.75, 0.639 at 0.90, 0.606
     * at 0.95 (README, Kafka).
     */
    public static final float JPEG_QUALITY = 0.95f;

    private FrameRecordFormat() {}

    /** A frames-topic record for one frame; the record timestamp is the capture time too. */
    public static ProducerRecord<byte[], byte[]> encode(String topic, String camera, VideoFrame frame,
            long captureTimeMs, ImageFormat format) throws IOException {
        return encode(topic, camera, frame, captureTimeMs, encodeImage(frame, format));
    }

    /** A frames-topic record for one frame whose image is already encoded (a camera's own JPEG). */
    public static ProducerRecord<byte[], byte[]> encode(String topic, String camera, VideoFrame frame,
            long captureTimeMs, byte[] image) {
        Headers h = new RecordHeaders();
        h.add(FRAME_INDEX, number(frame.index()));
        h.add(CAPTURE_TIME, number(captureTimeMs));
        h.add(WIDTH, number(frame.width()));
        h.add(HEIGHT, number(frame.height()));
        return new ProducerRecord<>(topic, null, captureTimeMs, camera.getBytes(StandardCharsets.UTF_8), image, h);
    }

    /** The frame as PNG, or as JPEG at {@link #JPEG_QUALITY}. */
    public static byte[] encodeImage(VideoFrame frame, ImageFormat format) throws IOException {
        return encodeImage(frame, format, JPEG_QUALITY);
    }

    /** The frame as PNG, or as JPEG at {@code jpegQuality} (0 to 1). */
    public static byte[] encodeImage(VideoFrame frame, ImageFormat format, float jpegQuality) throws IOException {
        if (!(jpegQuality > 0 && jpegQuality <= 1)) {
            throw new IllegalArgumentException("JPEG quality must be in (0, 1], got " + jpegQuality);
        }
        // TYPE_3BYTE_BGR stores exactly our packed BGR layout, so the bytes copy straight in
        BufferedImage img = new BufferedImage(frame.width(), frame.height(), BufferedImage.TYPE_3BYTE_BGR);
        byte[] data = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        System.arraycopy(frame.bgr(), 0, data, 0, data.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream(frame.bgr().length / 4);
        if (format == ImageFormat.PNG) {
            if (!ImageIO.write(img, format.imageIoName, out)) {
                throw new IOException("no ImageIO writer for " + format);
            }
            return out.toByteArray();
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName(format.imageIoName).next();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(jpegQuality);
            writer.setOutput(ios);
            writer.write(null, new IIOImage(img, null, null), param);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /** Reads the key and headers; never throws, so that a bad record cannot stop the source. */
    public static FrameRecord read(ConsumerRecord<byte[], byte[]> r) {
        String camera = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
        StringBuilder problem = new StringBuilder();
        Long index = header(r.headers(), FRAME_INDEX, problem);
        Long capture = header(r.headers(), CAPTURE_TIME, problem);
        Long w = header(r.headers(), WIDTH, problem);
        Long h = header(r.headers(), HEIGHT, problem);
        return new FrameRecord(camera, r.topic(), r.partition(), r.offset(), r.timestamp(), index, capture,
                w == null ? null : w.intValue(), h == null ? null : h.intValue(),
                problem.length() == 0 ? null : problem.toString(), r.value());
    }

    /**
     * Why the record cannot be used as a frame before its image is looked at, or null when its key
     * and headers are fine.
     */
    public static String problem(FrameRecord r) {
        if (r.headerProblem() != null) {
            return r.headerProblem();
        }
        if (r.camera().isEmpty()) {
            return "missing key (camera id)";
        }
        if (r.frameIndex() == null) {
            return "missing header " + FRAME_INDEX;
        }
        if (r.captureTimeMs() == null) {
            return "missing header " + CAPTURE_TIME;
        }
        if (r.frameIndex() < 0) {
            return "negative " + FRAME_INDEX + " " + r.frameIndex();
        }
        if (r.captureTimeMs() < 0) {
            return "negative " + CAPTURE_TIME + " " + r.captureTimeMs() + " (milliseconds since 1970)";
        }
        if (r.image() == null || r.image().length == 0) {
            return "empty value (no image)";
        }
        return null;
    }

    /** Decodes the image to packed BGR. */
    public static VideoFrame decodeImage(long index, byte[] image) throws IOException {
        BufferedImage img = ImageDecoder.decode(image);
        BufferedImage bgr = img;
        if (img.getType() != BufferedImage.TYPE_3BYTE_BGR) {
            bgr = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
            bgr.getGraphics().drawImage(img, 0, 0, null);
        }
        byte[] data = ((DataBufferByte) bgr.getRaster().getDataBuffer()).getData();
        return new VideoFrame(index, bgr.getWidth(), bgr.getHeight(), data.clone());
    }

    static byte[] number(long v) {
        return Long.toString(v).getBytes(StandardCharsets.UTF_8);
    }

    private static Long header(Headers headers, String key, StringBuilder problem) {
        Header h = headers.lastHeader(key);
        if (h == null || h.value() == null) {
            return null;
        }
        String s = new String(h.value(), StandardCharsets.UTF_8).trim();
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            if (problem.length() > 0) {
                problem.append("; ");
            }
            problem.append("header ").append(key).append(" is not a decimal number: '")
                    .append(s.length() > 40 ? s.substring(0, 40) + "..." : s).append('\'');
            return null;
        }
    }
}
