package org.iefvad.operators;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.iefvad.model.PreparedFrame;
import org.iefvad.model.SegmentEncoder;

/**
 * Cuts each camera's prepared frames into segments of 16 (SPEC 1). A frame whose size differs from
 * the segment being filled goes to {@link #DEAD_LETTERS} and the camera carries on. When a camera
 * has been quiet for {@code flushGapMs} of event time (at the latest when a bounded input ends and
 * the watermark jumps to the maximum) its partial last segment is emitted and all its state is
 * dropped; a camera that comes back after that starts again at segment 0. That restart is how the
 * operators downstream learn that a new sequence began (a segment number that does not increase):
 * the context window and the Kalman state start fresh and an open alert closes. The gap counts
 * from the later of the frame's time and the watermark when it arrived, so a lagging camera is not
 * cut up. A flushed partial segment carries the flush time (last frame + gap) as its timestamp.
 * After the flush this operator holds nothing for the camera, so its time-to-live is the gap.
 */
public class SegmentAssembler extends KeyedProcessFunction<String, PreparedCameraFrame, SegmentFrames> {
    public static final String NAME = "assemble-segments";
    public static final String UID = "assemble-segments-v1";
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));
    public static final ListStateDescriptor<PreparedFrame> FRAMES =
            new ListStateDescriptor<>("segment-frames-v1", TypeInformation.of(PreparedFrame.class));
    public static final ValueStateDescriptor<Cursor> CURSOR =
            new ValueStateDescriptor<>("segment-cursor-v1", TypeInformation.of(Cursor.class));

    /**
     * Where a camera stands: the index of the segment being filled, its first frame and size, how
     * many frames it holds (saves reading the list), and the pending flush timer.
     */
    public record Cursor(long segment, long firstFrame, long lastFrame, int width, int height, int channels, int count,
            long flushTimer) {}

    private final int segmentFrames;
    private final long flushGapMs;
    private transient ListState<PreparedFrame> frames;
    private transient ValueState<Cursor> cursor;

    public SegmentAssembler(long flushGapMs) {
        this(SegmentEncoder.SEGMENT_FRAMES, flushGapMs);
    }

    SegmentAssembler(int segmentFrames, long flushGapMs) {
        if (segmentFrames < 1 || flushGapMs < 0) {
            throw new IllegalArgumentException("segment frames must be >= 1 and the flush gap >= 0");
        }
        this.segmentFrames = segmentFrames;
        this.flushGapMs = flushGapMs;
    }

    @Override
    public void open(OpenContext ctx) {
        frames = getRuntimeContext().getListState(FRAMES);
        cursor = getRuntimeContext().getState(CURSOR);
    }

    @Override
    public void processElement(PreparedCameraFrame in, Context ctx, Collector<SegmentFrames> out) throws Exception {
        PreparedFrame f = in.frame();
        Cursor c = cursor.value();
        long segment = c == null ? 0 : c.segment();
        if (c != null && c.count() > 0
                && (f.width() != c.width() || f.height() != c.height() || f.channels() != c.channels())) {
            ctx.output(DEAD_LETTERS, new DeadLetter(in.camera(), in.index(), in.timestampMs(),
                    "frame size " + f.width() + "x" + f.height() + "x" + f.channels() + " differs from segment "
                            + segment + " (" + c.width() + "x" + c.height() + "x" + c.channels() + ")",
                    f.width(), f.height()));
            return;
        }
        long timer = Timers.idleAt(ctx.timestamp(), ctx.timerService().currentWatermark(), flushGapMs);
        if (c != null && c.flushTimer() != timer) {
            ctx.timerService().deleteEventTimeTimer(c.flushTimer());
        }
        if (c == null || c.flushTimer() != timer) {
            ctx.timerService().registerEventTimeTimer(timer);
        }
        frames.add(f);
        int count = c == null ? 1 : c.count() + 1;
        long first = count == 1 ? in.index() : c.firstFrame();
        if (count == segmentFrames) {
            out.collect(new SegmentFrames(in.camera(), segment, first, in.index(), drain()));
            cursor.update(new Cursor(segment + 1, -1, -1, 0, 0, 0, 0, timer));
        } else {
            cursor.update(new Cursor(segment, first, in.index(), f.width(), f.height(), f.channels(), count, timer));
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<SegmentFrames> out) throws Exception {
        Cursor c = cursor.value();
        if (c != null && c.count() > 0) {
            out.collect(new SegmentFrames(ctx.getCurrentKey(), c.segment(), c.firstFrame(), c.lastFrame(), drain()));
        }
        frames.clear();
        cursor.clear();
    }

    private List<PreparedFrame> drain() throws Exception {
        List<PreparedFrame> list = new ArrayList<>(segmentFrames);
        for (PreparedFrame p : frames.get()) {
            list.add(p);
        }
        frames.clear();
        return list;
    }
}
