package org.iefvad.operators;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/** One video as a split; {@code nextFrame} is how far a checkpoint got, so a restore skips what was emitted. */
public record VideoSplit(String camera, String path, long nextFrame) implements SourceSplit {
    @Override
    public String splitId() {
        return camera;
    }

    public VideoSplit at(long frame) {
        return new VideoSplit(camera, path, frame);
    }

    /** Layout version 1: camera, path (UTF), next frame (long). */
    public static final class Serializer implements SimpleVersionedSerializer<VideoSplit> {
        public static final Serializer INSTANCE = new Serializer();

        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(VideoSplit s) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                write(out, s);
            }
            return bytes.toByteArray();
        }

        @Override
        public VideoSplit deserialize(int version, byte[] data) throws IOException {
            if (version != 1) {
                throw new IOException("video split layout version " + version + " is unknown (this build reads 1)");
            }
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
                return read(in);
            }
        }

        static void write(DataOutputStream out, VideoSplit s) throws IOException {
            out.writeUTF(s.camera());
            out.writeUTF(s.path());
            out.writeLong(s.nextFrame());
        }

        static VideoSplit read(DataInputStream in) throws IOException {
            return new VideoSplit(in.readUTF(), in.readUTF(), in.readLong());
        }
    }
}
