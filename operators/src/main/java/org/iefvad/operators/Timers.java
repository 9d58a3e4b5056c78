package org.iefvad.operators;

import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.streaming.api.TimerService;

/**
 * Event-time cleanup shared by the keyed operators. Each keeps at most one such timer per camera,
 * so the number of timers never exceeds the number of cameras with state.
 */
final class Timers {
    private Timers() {}

    /**
     * When a camera counts as finished: {@code gap} after its last record. Records without a
     * timestamp only end with the input (the final watermark is Long.MAX_VALUE).
     */
    static long idleAt(Long timestamp, long gapMs) {
        if (timestamp == null) {
            return Long.MAX_VALUE;
        }
        long t = timestamp + gapMs;
        return t < timestamp ? Long.MAX_VALUE : t;
    }

    /**
     * As {@link #idleAt(Long, long)}, counted from the later of the record's time and the current
     * watermark. A record that arrives behind the watermark (a camera whose clock lags the others,
     * or one that was published late) would otherwise get a timer that is already due, and its
     * camera would be cut into one-frame sequences although it is sending.
     */
    static long idleAt(Long timestamp, long watermark, long gapMs) {
        if (timestamp == null) {
            return Long.MAX_VALUE;
        }
        return idleAt(Math.max(timestamp, watermark), gapMs);
    }

    /** Moves a camera's single cleanup timer to {@code gap} after this record. */
    static void rearm(ValueState<Long> timer, TimerService timers, Long timestamp, long gapMs) throws Exception {
        long at = idleAt(timestamp, timers.currentWatermark(), gapMs);
        Long prev = timer.value();
        if (prev != null && prev == at) {
            return;
        }
        if (prev != null) {
            timers.deleteEventTimeTimer(prev);
        }
        timers.registerEventTimeTimer(at);
        timer.update(at);
    }
}
