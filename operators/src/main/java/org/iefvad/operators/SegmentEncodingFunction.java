package org.iefvad.operators;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.iefvad.model.PreparedFrame;
import org.iefvad.model.SegmentEmbedding;
import org.iefvad.model.SegmentEncoder;

/**
 * Encodes segments off the task thread. Encoders are single-threaded and gain from batches (a GPU
 * encoder above all), so one worker thread owns the encoder and takes whatever requests are queued,
 * up to {@code maxBatch}, waiting at most {@code maxDelayMs} for a batch to fill. Use with
 * {@code AsyncDataStream.orderedWait} so that segments stay in order per camera.
 */
public class SegmentEncodingFunction extends RichAsyncFunction<SegmentFrames, EncodedSegment> {
    public static final String NAME = "encode-segments";
    public static final String UID = "encode-segments-v1";

    private record Request(SegmentFrames segment, ResultFuture<EncodedSegment> result) {}

    private final EncoderFactory encoders;
    private final int maxBatch;
    private final long maxDelayMs;
    private transient LinkedBlockingQueue<Request> queue;
    private transient Thread worker;
    private transient volatile boolean running;
    private transient volatile SegmentEncoder encoder;

    public SegmentEncodingFunction(EncoderFactory encoders, int maxBatch, long maxDelayMs) {
        if (maxBatch < 1 || maxDelayMs < 0) {
            throw new IllegalArgumentException("max batch must be >= 1 and max delay >= 0");
        }
        this.encoders = encoders;
        this.maxBatch = maxBatch;
        this.maxDelayMs = maxDelayMs;
    }

    @Override
    public void open(OpenContext ctx) throws Exception {
        encoder = encoders.create();
        queue = new LinkedBlockingQueue<>();
        running = true;
        worker = new Thread(this::work, "segment-encoder-" + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
        worker.setDaemon(true);
        worker.start();
    }

    @Override
    public void asyncInvoke(SegmentFrames input, ResultFuture<EncodedSegment> resultFuture) {
        queue.add(new Request(input, resultFuture));
    }

    private void work() {
        List<Request> batch = new ArrayList<>(maxBatch);
        while (running) {
            try {
                Request first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxDelayMs);
                while (batch.size() < maxBatch) {
                    long wait = deadline - System.nanoTime();
                    Request r = wait > 0 ? queue.poll(wait, TimeUnit.NANOSECONDS) : queue.poll();
                    if (r == null) {
                        break;
                    }
                    batch.add(r);
                }
                encode(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                batch.clear();
            }
        }
    }

    private void encode(List<Request> batch) {
        List<List<PreparedFrame>> segments = new ArrayList<>(batch.size());
        for (Request r : batch) {
            segments.add(r.segment().frames());
        }
        List<SegmentEmbedding> out;
        try {
            out = encoder.encodeBatch(segments);
            if (out.size() != batch.size()) {
                throw new IllegalStateException("encoder returned " + out.size() + " embeddings for " + batch.size()
                        + " segments");
            }
        } catch (Throwable t) {
            for (Request r : batch) {
                SegmentFrames s = r.segment();
                r.result().completeExceptionally(new RuntimeException("encoding segment " + s.segment() + " of camera "
                        + s.camera() + " failed: " + t.getMessage(), t));
            }
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            SegmentFrames s = batch.get(i).segment();
            SegmentEmbedding e = out.get(i);
            batch.get(i).result().complete(Collections.singleton(
                    new EncodedSegment(s.camera(), s.segment(), s.firstFrame(), s.lastFrame(), e.image(), e.event())));
        }
    }

    @Override
    public void close() throws Exception {
        running = false;
        if (worker != null) {
            worker.interrupt();
            worker.join(10_000);
        }
        if (encoder != null) {
            encoder.close();
        }
    }
}
