package org.iefvad.operators;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.core.io.InputStatus;
import org.iefvad.model.FrameReader;
import org.iefvad.model.VideoFrame;

/**
 * Reads its assigned videos one after another, one frame per poll. Decoding runs on the task
 * thread: a frame takes about a millisecond, short enough not to hold up checkpoints.
 */
final class FrameSourceReader implements SourceReader<CameraFrame, VideoSplit> {
    private final SourceReaderContext ctx;
    private final ArrayDeque<VideoSplit> assigned = new ArrayDeque<>();
    private CompletableFuture<Void> available = new CompletableFuture<>();
    private boolean noMoreSplits;
    private boolean requested;
    private VideoSplit current;
    private FrameReader reader;
    private double fps;
    private long nextFrame;

    FrameSourceReader(SourceReaderContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void start() {
        request();
    }

    private void request() {
        if (!requested && !noMoreSplits) {
            requested = true;
            ctx.sendSplitRequest();
        }
    }

    @Override
    public InputStatus pollNext(ReaderOutput<CameraFrame> output) throws Exception {
        if (reader == null && !openNext()) {
            if (noMoreSplits) {
                return InputStatus.END_OF_INPUT;
            }
            request();
            if (available.isDone()) {
                available = new CompletableFuture<>();
            }
            return InputStatus.NOTHING_AVAILABLE;
        }
        VideoFrame f = reader.next();
        if (f == null) {
            closeReader();
            current = null;
            if (assigned.isEmpty()) {
                request();
            }
            return InputStatus.MORE_AVAILABLE;
        }
        long ts = Math.round(f.index() * 1000.0 / fps);
        output.collect(new CameraFrame(current.camera(), f.index(), ts, f.width(), f.height(), f.bgr()), ts);
        nextFrame = f.index() + 1;
        return InputStatus.MORE_AVAILABLE;
    }

    private boolean openNext() throws IOException {
        VideoSplit s = assigned.poll();
        if (s == null) {
            return false;
        }
        FrameReader r;
        try {
            r = FrameReader.open(Path.of(s.path()));
        } catch (IOException e) {
            throw new IOException("camera " + s.camera() + ": " + e.getMessage(), e);
        }
        // A restored split resumes after the frames that were emitted before the checkpoint.
        for (long i = 0; i < s.nextFrame(); i++) {
            if (r.next() == null) {
                r.close();
                throw new IOException("camera " + s.camera() + ": " + s.path() + " ends before frame " + s.nextFrame()
                        + " where the checkpoint left off");
            }
        }
        current = s;
        reader = r;
        fps = r.fps() > 0 ? r.fps() : FrameSource.DEFAULT_FPS;
        nextFrame = s.nextFrame();
        return true;
    }

    @Override
    public List<VideoSplit> snapshotState(long checkpointId) {
        List<VideoSplit> out = new ArrayList<>();
        if (current != null) {
            out.add(current.at(nextFrame));
        }
        out.addAll(assigned);
        return out;
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
        return available;
    }

    @Override
    public void addSplits(List<VideoSplit> splits) {
        assigned.addAll(splits);
        requested = false;
        available.complete(null);
    }

    @Override
    public void notifyNoMoreSplits() {
        noMoreSplits = true;
        available.complete(null);
    }

    @Override
    public void close() throws Exception {
        closeReader();
    }

    private void closeReader() throws IOException {
        if (reader != null) {
            FrameReader r = reader;
            reader = null;
            r.close();
        }
    }
}
