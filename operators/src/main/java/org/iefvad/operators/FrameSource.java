package org.iefvad.operators;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * A bounded source of decoded frames: one split per camera's video, read with
 * {@link org.iefvad.model.FrameReader}. Record timestamps are {@code index*1000/fps} (10 fps when
 * the input has none), i.e. relative to each video's start, so they are not comparable across
 * cameras; the job therefore emits no watermarks until the input ends.
 */
public final class FrameSource implements Source<CameraFrame, VideoSplit, Collection<VideoSplit>> {
    /** Frame rate assumed when the input has none (image folders). */
    public static final double DEFAULT_FPS = 10.0;
    public static final String NAME = "frames";
    public static final String UID = "frames-v1";

    private final List<VideoInput> inputs;

    public FrameSource(List<VideoInput> inputs) {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("no inputs");
        }
        Set<String> seen = new HashSet<>();
        for (VideoInput i : inputs) {
            if (!seen.add(i.camera())) {
                throw new IllegalArgumentException("camera id " + i.camera() + " is used twice");
            }
        }
        this.inputs = List.copyOf(inputs);
    }

    public List<VideoInput> inputs() {
        return inputs;
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.BOUNDED;
    }

    @Override
    public SourceReader<CameraFrame, VideoSplit> createReader(SourceReaderContext ctx) {
        return new FrameSourceReader(ctx);
    }

    @Override
    public SplitEnumerator<VideoSplit, Collection<VideoSplit>> createEnumerator(SplitEnumeratorContext<VideoSplit> ctx) {
        List<VideoSplit> splits = new ArrayList<>();
        for (VideoInput i : inputs) {
            splits.add(new VideoSplit(i.camera(), i.path(), 0));
        }
        return new Enumerator(ctx, splits);
    }

    @Override
    public SplitEnumerator<VideoSplit, Collection<VideoSplit>> restoreEnumerator(SplitEnumeratorContext<VideoSplit> ctx,
            Collection<VideoSplit> checkpoint) {
        return new Enumerator(ctx, checkpoint);
    }

    @Override
    public SimpleVersionedSerializer<VideoSplit> getSplitSerializer() {
        return VideoSplit.Serializer.INSTANCE;
    }

    @Override
    public SimpleVersionedSerializer<Collection<VideoSplit>> getEnumeratorCheckpointSerializer() {
        return new PendingSplitsSerializer();
    }

    /** Hands out videos one at a time to whichever reader asks, so parallel readers share the work. */
    static final class Enumerator implements SplitEnumerator<VideoSplit, Collection<VideoSplit>> {
        private final SplitEnumeratorContext<VideoSplit> ctx;
        private final ArrayDeque<VideoSplit> pending;

        Enumerator(SplitEnumeratorContext<VideoSplit> ctx, Collection<VideoSplit> splits) {
            this.ctx = ctx;
            this.pending = new ArrayDeque<>(splits);
        }

        @Override
        public void start() {}

        @Override
        public void handleSplitRequest(int subtask, String host) {
            VideoSplit next = pending.poll();
            if (next != null) {
                ctx.assignSplit(next, subtask);
            } else {
                ctx.signalNoMoreSplits(subtask);
            }
        }

        @Override
        public void addSplitsBack(List<VideoSplit> splits, int subtask) {
            pending.addAll(splits);
        }

        @Override
        public void addReader(int subtask) {}

        @Override
        public Collection<VideoSplit> snapshotState(long checkpointId) {
            return new ArrayList<>(pending);
        }

        @Override
        public void close() {}
    }

    /** Layout version 1: count, then each split as {@link VideoSplit.Serializer} writes it. */
    static final class PendingSplitsSerializer implements SimpleVersionedSerializer<Collection<VideoSplit>> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(Collection<VideoSplit> splits) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeInt(splits.size());
                for (VideoSplit s : splits) {
                    VideoSplit.Serializer.write(out, s);
                }
            }
            return bytes.toByteArray();
        }

        @Override
        public Collection<VideoSplit> deserialize(int version, byte[] data) throws IOException {
            if (version != 1) {
                throw new IOException("frame source checkpoint layout version " + version + " is unknown (this build reads 1)");
            }
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
                int n = in.readInt();
                List<VideoSplit> out = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    out.add(VideoSplit.Serializer.read(in));
                }
                return out;
            }
        }
    }
}
