package org.iefvad.model.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.iefvad.model.FrameReader;
import org.iefvad.model.VideoFrame;

/**
 * Decodes a video file with FFmpeg (JavaCV) into packed BGR frames in decode order. The container's
 * frame count is never used: some codecs (cinepak in tree.avi) report far more frames than decode,
 * so the end is wherever the decoder stops.
 */
public final class VideoFileReader implements FrameReader {
    static {
        // FFmpeg prints every recoverable decode hiccup to stderr; our own errors and the warning at
        // the end of a short decode say what matters.
        avutil.av_log_set_level(avutil.AV_LOG_FATAL);
    }

    private final Path source;
    private final FFmpegFrameGrabber grabber;
    private final double fps;
    private long index;
    private VideoFrame pending;
    private boolean warned;

    public VideoFileReader(Path source) throws IOException {
        this.source = source;
        FFmpegFrameGrabber g = new FFmpegFrameGrabber(source.toFile());
        g.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
        try {
            g.start();
        } catch (Exception | Error e) {
            release(g);
            throw new IOException(source + ": not a readable video (" + ffmpegReason(e) + ")", e);
        }
        this.grabber = g;
        double rate = g.getFrameRate();
        this.fps = Double.isFinite(rate) && rate > 0 ? rate : 0;
        // Decoding the first frame here turns a truncated or frameless file into an error at open
        // time, before a job has started scoring it.
        try {
            pending = decode();
        } catch (IOException e) {
            close();
            throw e;
        }
        if (pending == null) {
            close();
            throw new IOException(source + ": decodes no frames (truncated, or not a video)");
        }
    }

    @Override
    public VideoFrame next() throws IOException {
        if (pending != null) {
            VideoFrame f = pending;
            pending = null;
            return f;
        }
        return decode();
    }

    private VideoFrame decode() throws IOException {
        Frame frame;
        try {
            frame = grabber.grabImage();
        } catch (Exception e) {
            throw new IOException(source + ": decode error at frame " + index + " (" + e.getMessage() + ")", e);
        }
        if (frame == null) {
            warnIfShort();
            return null;
        }
        int w = frame.imageWidth;
        int h = frame.imageHeight;
        if (frame.image == null || frame.imageChannels != 3 || frame.imageDepth != Frame.DEPTH_UBYTE) {
            throw new IOException(source + ": frame " + index + " is not 8-bit BGR (channels " + frame.imageChannels
                    + ", depth " + frame.imageDepth + ")");
        }
        ByteBuffer buf = (ByteBuffer) frame.image[0];
        int stride = frame.imageStride; // bytes per row in JavaCV's ByteBuffer view
        int row = w * 3;
        byte[] bgr = new byte[row * h];
        for (int y = 0; y < h; y++) {
            buf.get(y * stride, bgr, y * row, row);
        }
        return new VideoFrame(index++, w, h, bgr);
    }

    /**
     * The container's frame count is not trusted (tree.avi reports 444 and decodes 68), so a short
     * decode is not an error; but a file that stops far before its declared length is most likely
     * truncated or damaged, and the user should hear of it.
     */
    private void warnIfShort() {
        if (warned) {
            return;
        }
        warned = true;
        int declared = grabber.getLengthInFrames();
        if (declared > 0 && index < declared / 2) {
            System.err.println("warning: " + source + ": decoded " + index + " frames but the container declares "
                    + declared + "; the file may be truncated or damaged");
        }
    }

    @Override
    public double fps() {
        return fps;
    }

    @Override
    public void close() throws IOException {
        release(grabber);
    }

    private static void release(FFmpegFrameGrabber g) {
        try {
            g.close();
        } catch (Exception ignored) {
            // closing a grabber that failed to start can throw; nothing is left to free then
        }
    }

    /**
     * FFmpeg's reason without the hints JavaCV appends for its own developers ("Has setFormat()
     * been called?", "make sure FFmpegLogCallback.set() has been called"), which mean nothing to
     * someone who gave the wrong file.
     */
    static String ffmpegReason(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int hint = m.indexOf(" (Has setFormat()");
        if (hint < 0) {
            hint = m.indexOf(" (For more details");
        }
        return hint > 0 ? m.substring(0, hint) : m;
    }
}
