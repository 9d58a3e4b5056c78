package org.iefvad.operators;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.iefvad.model.KalmanUpdate;
import org.iefvad.model.ModelConfig;

/**
 * The sequential update of SPEC 2.5 per camera: the fused mean and variance carry over from one
 * segment to the next in keyed state. With the update disabled steps pass through and no state is
 * kept. A segment number that does not increase starts a new sequence (see {@link ContextWindowFunction}):
 * the state starts again from that segment's observation. State is dropped once a camera has been
 * idle for {@code stateTtlMs} of event time.
 */
public class KalmanFusionFunction extends KeyedProcessFunction<String, FusedStep, FilteredStep> {
    public static final String NAME = "kalman-update";
    public static final String UID = "kalman-update-v1";
    public static final ValueStateDescriptor<KalmanUpdate.State> STATE =
            new ValueStateDescriptor<>("kalman-state-v1", TypeInformation.of(KalmanUpdate.State.class));
    public static final ValueStateDescriptor<Long> CLEANUP =
            new ValueStateDescriptor<>("kalman-cleanup-timer-v1", Types.LONG);
    public static final ValueStateDescriptor<Long> LAST_SEGMENT =
            new ValueStateDescriptor<>("kalman-last-segment-v1", Types.LONG);

    private final boolean enabled;
    private final float processNoise;
    private final float epsilon;
    private final long stateTtlMs;
    private transient ValueState<KalmanUpdate.State> state;
    private transient ValueState<Long> cleanup;
    private transient ValueState<Long> lastSegment;

    public KalmanFusionFunction(boolean enabled, double processNoise, double epsilon, long stateTtlMs) {
        this.enabled = enabled;
        this.processNoise = (float) processNoise;
        this.epsilon = (float) epsilon;
        this.stateTtlMs = stateTtlMs;
    }

    /** Kalman settings as the model configures them (kalman.enabled, kalman.process_noise, epsilon). */
    public static KalmanFusionFunction of(ModelConfig config, long stateTtlMs) {
        return new KalmanFusionFunction(config.kalman().enabled(), config.kalman().processNoise(), config.epsilon(),
                stateTtlMs);
    }

    @Override
    public void open(OpenContext ctx) {
        state = getRuntimeContext().getState(STATE);
        cleanup = getRuntimeContext().getState(CLEANUP);
        lastSegment = getRuntimeContext().getState(LAST_SEGMENT);
    }

    @Override
    public void processElement(FusedStep in, Context ctx, Collector<FilteredStep> out) throws Exception {
        if (!enabled) {
            out.collect(new FilteredStep(in, in.fused(), in.variance()));
            return;
        }
        KalmanUpdate.State prev = state.value();
        Long last = lastSegment.value();
        if (last != null && in.segment() <= last) {
            prev = null;
        }
        KalmanUpdate.State next = prev == null ? KalmanUpdate.start(in.fused(), in.variance())
                : KalmanUpdate.step(prev, in.fused(), in.variance(), processNoise, epsilon);
        state.update(next);
        lastSegment.update(in.segment());
        Timers.rearm(cleanup, ctx.timerService(), ctx.timestamp(), stateTtlMs);
        out.collect(new FilteredStep(in, next.mean(), next.variance()));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<FilteredStep> out) {
        state.clear();
        cleanup.clear();
        lastSegment.clear();
    }
}
