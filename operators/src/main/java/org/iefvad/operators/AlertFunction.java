package org.iefvad.operators;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Turns each camera's segment scores into alerts with hysteresis ({@link AlertRule}: high, k,
 * low, m). Segments count in the order they arrive, per camera. The exact rule:
 *
 * <ul>
 *   <li>Closed: a segment with score &gt;= high extends the opening run, any other segment (below
 *       high, or NaN) ends it. When the run reaches k segments one {@link Alert#OPEN} record is
 *       emitted; its range is those k segments.
 *   <li>Open: a segment with score &lt; low extends the closing run; any other segment (between
 *       low and high, at or above high, or NaN) ends it. When the run reaches m segments one
 *       {@link Alert#CLOSE} record is emitted and the camera is closed again. Its range runs from
 *       the first segment of the opening run to the last segment before the closing run.
 *   <li>The peak is the highest score over the alert's range (earliest segment on ties), with
 *       that segment's weights.
 * </ul>
 *
 * A closed camera with no opening run holds no state, so the many quiet cameras cost nothing.
 * Otherwise one record is kept ({@link #STATE}) together with one event-time timer at
 * {@code idleGapMs} after the camera's latest segment, as in the other keyed operators. When that
 * timer fires (the camera went silent, or a bounded input ended: its final watermark fires every
 * timer) an open alert is closed with a CLOSE record covering it up to its last segment at or above
 * low, and the state is dropped; a pending opening run is dropped without output. The reason: a
 * downstream consumer must never be left with an alert that is open forever, and a camera that
 * comes back starts a new sequence at segment 0 upstream. For the same reason a segment number
 * that does not increase (the camera restarted before this timer fired) closes an open alert and
 * starts from scratch.
 */
public class AlertFunction extends KeyedProcessFunction<String, SegmentScore, Alert> {
    public static final String NAME = "alerts";
    public static final String UID = "alerts-v1";
    public static final ValueStateDescriptor<Track> STATE =
            new ValueStateDescriptor<>("alert-state-v1", TypeInformation.of(Track.class));

    /**
     * A camera that is in an alert or on its way into one. {@code run} is the length of the
     * current opening run (closed) or closing run (open). {@code endSegment}/{@code endFrame} end
     * the range reported so far: the last segment of the opening run while closed, the last
     * segment at or above low while open. {@code lastSegment} is the latest segment seen and
     * {@code timer} the pending cleanup timer.
     */
    public record Track(boolean open, int run, long firstSegment, long firstFrame, long endSegment, long endFrame,
            long lastSegment, double peakScore, long peakSegment, double wImageAtPeak, double wEventAtPeak,
            String model, long timer) {
        Track withPeak(SegmentScore s) {
            if (!(s.score() > peakScore)) {
                return this;
            }
            return new Track(open, run, firstSegment, firstFrame, endSegment, endFrame, lastSegment, s.score(),
                    s.segment(), s.wImage(), s.wEvent(), s.model(), timer);
        }

        Track with(boolean open, int run, long endSegment, long endFrame, long lastSegment, long timer) {
            return new Track(open, run, firstSegment, firstFrame, endSegment, endFrame, lastSegment, peakScore,
                    peakSegment, wImageAtPeak, wEventAtPeak, model, timer);
        }

        Alert alert(String camera, String kind) {
            return new Alert(camera, kind, firstSegment, endSegment, firstFrame, endFrame, peakScore, peakSegment,
                    wImageAtPeak, wEventAtPeak, model);
        }
    }

    private final AlertRules rules;
    private final long idleGapMs;
    private transient ValueState<Track> state;

    public AlertFunction(AlertRules rules, long idleGapMs) {
        if (idleGapMs < 0) {
            throw new IllegalArgumentException("idle gap must be >= 0, got " + idleGapMs);
        }
        this.rules = rules;
        this.idleGapMs = idleGapMs;
    }

    @Override
    public void open(OpenContext ctx) {
        state = getRuntimeContext().getState(STATE);
    }

    @Override
    public void processElement(SegmentScore s, Context ctx, Collector<Alert> out) throws Exception {
        AlertRule rule = rules.forCamera(s.camera());
        Track t = state.value();
        if (t != null && s.segment() <= t.lastSegment()) {
            if (t.open()) {
                out.collect(t.alert(s.camera(), Alert.CLOSE));
            }
            drop(t, ctx);
            t = null;
        }
        long timer = Timers.idleAt(ctx.timestamp(), ctx.timerService().currentWatermark(), idleGapMs);
        if (t == null || !t.open()) {
            if (!(s.score() >= rule.high())) {
                if (t != null) {
                    drop(t, ctx);
                }
                return;
            }
            Track next = t == null
                    ? new Track(false, 1, s.segment(), s.firstFrame(), s.segment(), s.lastFrame(), s.segment(),
                            s.score(), s.segment(), s.wImage(), s.wEvent(), s.model(), timer)
                    : t.with(false, t.run() + 1, s.segment(), s.lastFrame(), s.segment(), timer).withPeak(s);
            if (next.run() == rule.k()) {
                out.collect(next.alert(s.camera(), Alert.OPEN));
                next = next.with(true, 0, next.endSegment(), next.endFrame(), next.lastSegment(), timer);
            }
            save(t, next, ctx);
            return;
        }
        Track next;
        if (s.score() < rule.low()) {
            next = t.with(true, t.run() + 1, t.endSegment(), t.endFrame(), s.segment(), timer);
            if (next.run() == rule.m()) {
                out.collect(next.alert(s.camera(), Alert.CLOSE));
                drop(t, ctx);
                return;
            }
        } else {
            next = t.with(true, 0, s.segment(), s.lastFrame(), s.segment(), timer).withPeak(s);
        }
        save(t, next, ctx);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        Track t = state.value();
        if (t != null && t.open()) {
            out.collect(t.alert(ctx.getCurrentKey(), Alert.CLOSE));
        }
        state.clear();
    }

    private void save(Track prev, Track next, Context ctx) throws Exception {
        if (prev == null || prev.timer() != next.timer()) {
            if (prev != null) {
                ctx.timerService().deleteEventTimeTimer(prev.timer());
            }
            ctx.timerService().registerEventTimeTimer(next.timer());
        }
        state.update(next);
    }

    private void drop(Track t, Context ctx) {
        ctx.timerService().deleteEventTimeTimer(t.timer());
        state.clear();
    }
}
