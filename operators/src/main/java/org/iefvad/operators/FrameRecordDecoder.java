package org.iefvad.operators;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.iefvad.model.VideoFrame;

/**
 * Turns frames-topic records, keyed by camera, into decoded frames. A record that cannot be used
 * (missing key or header, unreadable header, undecodable image, size not matching its headers,
 * frame index not after the camera's last good one) goes to {@link SegmentAssembler#DEAD_LETTERS}
 * with its original value bytes and the camera carries on. Keyed so that the last index per camera
 * is checkpointed state and survives a restore. That index is kept until the camera has sent
 * nothing for {@code stateTtlMs} of event time, so within that time a replay is caught, and a
 * camera that comes back later may start its frame counter again from 0.
 */
public class FrameRecordDecoder extends KeyedProcessFunction<String, FrameRecord, CameraFrame> {
    public static final String NAME = "decode-frames";
    public static final String UID = "decode-frames-v1";
    public static final ValueStateDescriptor<Long> LAST_INDEX = new ValueStateDescriptor<>("last-frame-index-v1", Types.LONG);

    public static final ValueStateDescriptor<Long> CLEANUP =
            new ValueStateDescriptor<>("decode-cleanup-timer-v1", Types.LONG);

    private final long stateTtlMs;
    private transient ValueState<Long> lastIndex;
    private transient ValueState<Long> cleanup;
    private transient java.util.Set<String> warnedClockAhead;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FrameRecordDecoder.class);

    public FrameRecordDecoder(long stateTtlMs) {
        if (stateTtlMs < 0) {
            throw new IllegalArgumentException("state time-to-live must be >= 0, got " + stateTtlMs);
        }
        this.stateTtlMs = stateTtlMs;
    }

    @Override
    public void open(OpenContext ctx) {
        lastIndex = getRuntimeContext().getState(LAST_INDEX);
        cleanup = getRuntimeContext().getState(CLEANUP);
        warnedClockAhead = new java.util.HashSet<>();
    }

    @Override
    public void processElement(FrameRecord r, Context ctx, Collector<CameraFrame> out) throws Exception {
        long index = r.frameIndex() == null ? -1 : r.frameIndex();
        String problem = FrameRecordFormat.problem(r);
        if (problem == null) {
            Long last = lastIndex.value();
            // a repeat counts too: a producer retry or a replayed video would otherwise be scored twice
            if (last != null && index <= last) {
                problem = "frame index " + index + " is not after the camera's last frame " + last;
            }
        }
        VideoFrame frame = null;
        if (problem == null) {
            try {
                frame = FrameRecordFormat.decodeImage(index, r.image());
            } catch (Exception e) {
                problem = "undecodable image: " + e.getMessage();
            }
        }
        if (frame != null && ((r.width() != null && r.width() != frame.width())
                || (r.height() != null && r.height() != frame.height()))) {
            problem = "image is " + frame.width() + "x" + frame.height() + " but headers say " + r.width() + "x"
                    + r.height();
        }
        if (problem != null) {
            ctx.output(SegmentAssembler.DEAD_LETTERS, new DeadLetter(r.camera(), index, r.eventTimeMs(),
                    problem + " (" + r.origin() + ")", r.width() == null ? 0 : r.width(),
                    r.height() == null ? 0 : r.height(), r.image()));
            return;
        }
        if (r.clockAhead() && warnedClockAhead.add(r.camera())) {
            LOG.warn("camera {}: capture time {} is {} ms after the record's Kafka timestamp {} ({}); its clock runs "
                    + "ahead, so the Kafka timestamp is its event time (said once per camera and subtask)", r.camera(),
                    r.captureTimeMs(), r.captureTimeMs() - r.kafkaTimestampMs(), r.kafkaTimestampMs(), r.origin());
        }
        lastIndex.update(index);
        Timers.rearm(cleanup, ctx.timerService(), ctx.timestamp(), stateTtlMs);
        out.collect(new CameraFrame(r.camera(), index, r.eventTimeMs(), frame.width(), frame.height(), frame.bgr(),
                r.image()));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<CameraFrame> out) {
        lastIndex.clear();
        cleanup.clear();
    }
}
