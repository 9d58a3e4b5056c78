package org.iefvad.operators;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.iefvad.model.FusionHead;
import org.iefvad.model.ModelConfig;

/**
 * Causal temporal encoding per camera (SPEC 2, attention "causal"): the output at segment t depends
 * on the last L(W-1)+1 segments only, so each camera keeps exactly those raw embeddings and reruns
 * the encoder stack on them; the last row equals the batch result. A segment number that does not
 * increase means the camera started a new sequence (the assembler restarts at segment 0 after a
 * gap): the window then starts empty, so no context leaks across the gap. State is dropped once a
 * camera has been idle for {@code stateTtlMs} of event time (or the input ends).
 */
public class ContextWindowFunction extends KeyedProcessFunction<String, EncodedSegment, FusedStep> {
    public static final String NAME = "context-window";
    public static final String UID = "context-window-v1";
    public static final ListStateDescriptor<ContextEntry> WINDOW =
            new ListStateDescriptor<>("context-window-v1", TypeInformation.of(ContextEntry.class));
    public static final ValueStateDescriptor<Long> CLEANUP =
            new ValueStateDescriptor<>("context-cleanup-timer-v1", Types.LONG);

    /** One past segment's raw embeddings, oldest first in the list. */
    public record ContextEntry(long segment, float[] zx, float[] ze) {}

    private final ModelRef model;
    private final long stateTtlMs;
    private transient FusionHead head;
    private transient int contextLength;
    private transient ListState<ContextEntry> window;
    private transient ValueState<Long> cleanup;

    public ContextWindowFunction(ModelRef model, long stateTtlMs) {
        this.model = model;
        this.stateTtlMs = stateTtlMs;
    }

    @Override
    public void open(OpenContext ctx) throws Exception {
        head = new FusionHead(model.load());
        ModelConfig cfg = head.config();
        if (!cfg.attention().causal()) {
            throw new IllegalArgumentException(model + ": streaming needs causal attention, the model has "
                    + cfg.attention().mode());
        }
        contextLength = cfg.contextLength();
        window = getRuntimeContext().getListState(WINDOW);
        cleanup = getRuntimeContext().getState(CLEANUP);
    }

    /** Segments of context kept per camera: L(W-1)+1. */
    public int contextLength() {
        return contextLength;
    }

    @Override
    public void processElement(EncodedSegment in, Context ctx, Collector<FusedStep> out) throws Exception {
        List<ContextEntry> rows = new ArrayList<>(contextLength);
        for (ContextEntry e : window.get()) {
            rows.add(e);
        }
        if (!rows.isEmpty() && in.segment() <= rows.get(rows.size() - 1).segment()) {
            rows.clear();
        }
        rows.add(new ContextEntry(in.segment(), in.zx(), in.ze()));
        if (rows.size() > contextLength) {
            rows = new ArrayList<>(rows.subList(rows.size() - contextLength, rows.size()));
        }
        float[][] zx = new float[rows.size()][];
        float[][] ze = new float[rows.size()][];
        for (int i = 0; i < rows.size(); i++) {
            zx[i] = rows.get(i).zx();
            ze[i] = rows.get(i).ze();
        }
        FusionHead.Step step = head.encodeLast(zx, ze);
        window.update(rows);
        Timers.rearm(cleanup, ctx.timerService(), ctx.timestamp(), stateTtlMs);
        out.collect(FusedStep.of(in, step));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<FusedStep> out) {
        window.clear();
        cleanup.clear();
    }

    @Override
    public void close() {
        if (head != null) {
            head.close();
        }
    }
}
