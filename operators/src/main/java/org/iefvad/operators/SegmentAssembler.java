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
 * Cuts each camera's prepared frames into segments of 16 (SPEC 1), one sequence per camera.
 *
 * <p>Frame size: a sequence has one frame size. A frame of another size is held back until the
 * camera's next frame shows what it was. If the next frame has the old size, the held frame was a
 * glitch and goes to {@link #DEAD_LETTERS} (with its original bytes where the input had them); the
 * segment carries on without it. If the next frame has the held frame's size, the camera changed
 * resolution: the partial segment of the old size is emitted and a new sequence starts at segment
 * 0 with the held frame, so nothing is lost and the camera is not set aside until a restart. If no
 * frame follows within the gap, the held frame goes to the dead letters. Holding one frame costs
 * one frame of latency only when the size changes.
 *
 * <p>Gap: when a camera has been quiet for {@code flushGapMs} of event time (at the latest when a
 * bounded input ends and the watermark jumps to the maximum) its partial last segment is emitted
 * and all its state is dropped; a camera that comes back after that starts again at segment 0.
 * That restart is how the operators downstream learn that a new sequence began (a segment number
 * that does not increase): the context window and the Kalman state start fresh and an open alert
 * closes. The gap counts from the later of the frame's time and the watermark when it arrived, so
 * a lagging camera is not cut up. A flushed partial segment carries the flush time (last frame +
 * gap) as its timestamp. After the flush this operator holds nothing for the camera, so its
 * time-to-live is the gap.
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
    /** A frame held back because its size differs from its sequence's (see the class comment). */
    public static final ValueStateDescriptor<PreparedCameraFrame> HELD =
            new ValueStateDescriptor<>("segment-held-frame-v1", TypeInformation.of(PreparedCameraFrame.class));

    /**
     * Where a camera stands: the index of the segment being filled, its first and last frame, the
     * sequence's frame size (0 when not known yet, as in state written before sizes were kept
     * between segments), how many frames the segment holds (saves reading the list), and the
     * pending flush timer.
     */
    public record Cursor(long segment, long firstFrame, long lastFrame, int width, int height, int channels, int count,
            long flushTimer) {
        boolean fits(PreparedFrame f) {
            return width == 0 || (f.width() == width && f.height() == height && f.channels() == channels);
        }
    }

    private final int segmentFrames;
    private final long flushGapMs;
    private transient ListState<PreparedFrame> frames;
    private transient ValueState<Cursor> cursor;
    private transient ValueState<PreparedCameraFrame> held;

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
        held = getRuntimeContext().getState(HELD);
    }

    @Override
    public void processElement(PreparedCameraFrame in, Context ctx, Collector<SegmentFrames> out) throws Exception {
        Cursor c = cursor.value();
        long timer = Timers.idleAt(ctx.timestamp(), ctx.timerService().currentWatermark(), flushGapMs);
        if (c != null && c.flushTimer() != timer) {
            ctx.timerService().deleteEventTimeTimer(c.flushTimer());
        }
        if (c == null || c.flushTimer() != timer) {
            ctx.timerService().registerEventTimeTimer(timer);
        }
        PreparedCameraFrame h = held.value();
        if (c != null && c.fits(in.frame())) {
            if (h != null) {
                setAside(ctx, h, c, "the next frame, " + in.index() + ", has the sequence's size again");
                held.clear();
            }
            append(in, c, timer, out);
            return;
        }
        if (c == null) {
            append(in, null, timer, out);
            return;
        }
        if (h != null && sameSize(h.frame(), in.frame())) {
            // Two frames in a row of the new size: the camera changed resolution.
            if (c.count() > 0) {
                out.collect(new SegmentFrames(in.camera(), c.segment(), c.firstFrame(), c.lastFrame(), drain()));
            }
            held.clear();
            Cursor fresh = append(h, null, timer, out);
            append(in, fresh, timer, out);
            return;
        }
        if (h != null) {
            setAside(ctx, h, c, "the next frame, " + in.index() + ", has yet another size");
        }
        held.update(in);
        cursor.update(new Cursor(c.segment(), c.firstFrame(), c.lastFrame(), c.width(), c.height(), c.channels(),
                c.count(), timer));
    }

    /** Adds a frame of the sequence's size ({@code c} null: the first of a new sequence). */
    private Cursor append(PreparedCameraFrame in, Cursor c, long timer, Collector<SegmentFrames> out) throws Exception {
        PreparedFrame f = in.frame();
        frames.add(f);
        long segment = c == null ? 0 : c.segment();
        int count = c == null ? 1 : c.count() + 1;
        long first = count == 1 ? in.index() : c.firstFrame();
        Cursor next;
        if (count == segmentFrames) {
            out.collect(new SegmentFrames(in.camera(), segment, first, in.index(), drain()));
            next = new Cursor(segment + 1, -1, -1, f.width(), f.height(), f.channels(), 0, timer);
        } else {
            next = new Cursor(segment, first, in.index(), f.width(), f.height(), f.channels(), count, timer);
        }
        cursor.update(next);
        return next;
    }

    private static boolean sameSize(PreparedFrame a, PreparedFrame b) {
        return a.width() == b.width() && a.height() == b.height() && a.channels() == b.channels();
    }

    private static void setAside(Context ctx, PreparedCameraFrame h, Cursor c, String why) {
        PreparedFrame f = h.frame();
        ctx.output(DEAD_LETTERS, new DeadLetter(h.camera(), h.index(), h.timestampMs(),
                "frame size " + f.width() + "x" + f.height() + "x" + f.channels() + " (as prepared) differs from the "
                        + "sequence's " + c.width() + "x" + c.height() + "x" + c.channels() + " at segment "
                        + c.segment() + ", and " + why,
                f.width(), f.height(), h.source()));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<SegmentFrames> out) throws Exception {
        Cursor c = cursor.value();
        if (c != null && c.count() > 0) {
            out.collect(new SegmentFrames(ctx.getCurrentKey(), c.segment(), c.firstFrame(), c.lastFrame(), drain()));
        }
        PreparedCameraFrame h = held.value();
        if (h != null && c != null) {
            setAside(ctx, h, c, "no frame followed within the camera gap of " + flushGapMs + " ms");
        }
        frames.clear();
        cursor.clear();
        held.clear();
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
