package org.iefvad.operators;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.iefvad.model.SegmentEncoder;
import org.iefvad.model.VideoFrame;

/** Reduces each frame to what the encoder needs before it is keyed and buffered, so state stays small. */
public class FramePreparation extends RichMapFunction<CameraFrame, PreparedCameraFrame> {
    public static final String NAME = "prepare-frames";
    public static final String UID = "prepare-frames-v1";

    private final EncoderFactory encoders;
    private transient SegmentEncoder encoder;

    public FramePreparation(EncoderFactory encoders) {
        this.encoders = encoders;
    }

    @Override
    public void open(OpenContext ctx) throws Exception {
        encoder = encoders.create();
    }

    @Override
    public PreparedCameraFrame map(CameraFrame f) {
        VideoFrame v = new VideoFrame(f.index(), f.width(), f.height(), f.bgr());
        return new PreparedCameraFrame(f.camera(), f.index(), f.timestampMs(), encoder.prepare(v), f.source());
    }

    @Override
    public void close() throws Exception {
        if (encoder != null) {
            encoder.close();
        }
    }
}
