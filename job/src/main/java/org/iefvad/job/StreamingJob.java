package org.iefvad.job;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.iefvad.operators.Alert;
import org.iefvad.operators.AlertFunction;
import org.iefvad.operators.AlertRules;
import org.iefvad.model.ModelConfig;
import org.iefvad.model.ModelFolder;
import org.iefvad.operators.CameraFrame;
import org.iefvad.operators.ContextWindowFunction;
import org.iefvad.operators.DeadLetter;
import org.iefvad.operators.EncodedSegment;
import org.iefvad.operators.EncoderFactory;
import org.iefvad.operators.FilteredStep;
import org.iefvad.operators.FramePreparation;
import org.iefvad.operators.FrameRecord;
import org.iefvad.operators.FrameRecordDecoder;
import org.iefvad.operators.FrameSource;
import org.iefvad.operators.FusedStep;
import org.iefvad.operators.KafkaConnectors;
import org.iefvad.operators.KalmanFusionFunction;
import org.iefvad.operators.ModelRef;
import org.iefvad.operators.PreparedCameraFrame;
import org.iefvad.operators.SegmentAssembler;
import org.iefvad.operators.SegmentClassifier;
import org.iefvad.operators.SegmentEncodingFunction;
import org.iefvad.operators.SegmentFrames;
import org.iefvad.operators.SegmentScore;

/**
 * The streaming scorer as a Flink graph: frames, preparation, 16-frame segments per camera, batched
 * encoding, causal context window, Kalman update, classifier, sink. Sources and sinks are
 * parameters so that tests and the command line choose them. Uids are fixed so that savepoints
 * survive changes to the wiring.
 */
public final class StreamingJob {
    public static final String SINK_UID = "scores-sink-v1";
    public static final String DEAD_LETTER_SINK_UID = "dead-letters-sink-v1";
    public static final String ALERT_SINK_UID = "alerts-sink-v1";

    private StreamingJob() {}

    public static DataStream<SegmentScore> build(StreamExecutionEnvironment env, Source<CameraFrame, ?, ?> source,
            ModelRef model, EncoderFactory encoder, Sink<SegmentScore> sink, Sink<DeadLetter> deadLetters)
            throws IOException {
        return build(env, source, model, encoder, sink, deadLetters, StreamSettings.defaults());
    }

    /**
     * Adds the job to {@code env}. The model is read once here so that a missing folder or a model
     * without causal attention fails before the job starts; operators read it again in open().
     */
    public static DataStream<SegmentScore> build(StreamExecutionEnvironment env, Source<CameraFrame, ?, ?> source,
            ModelRef model, EncoderFactory encoder, Sink<SegmentScore> sink, Sink<DeadLetter> deadLetters,
            StreamSettings settings) throws IOException {
        // Timestamps restart at 0 for every video, so a shared watermark would be meaningless
        // across cameras: only the end of a bounded input (watermark MAX) fires the flush timers.
        DataStream<CameraFrame> frames = env.fromSource(source, WatermarkStrategy.noWatermarks(), FrameSource.NAME)
                .uid(FrameSource.UID);
        return buildFrom(frames, null, model, encoder, sink, deadLetters, settings);
    }

    /**
     * The Kafka job: frames-topic records are keyed by camera and decoded (bad records become dead
     * letters with their original bytes), then scored as in {@link #build}. Event time is the
     * capture-time header, one clock for all cameras, so unlike files the watermark means something:
     * it trails the newest capture time per partition by the out-of-orderness, and a partition idle
     * for {@code sourceIdleMs} stops holding it back. A camera that stays silent while the
     * watermark moves on by the camera gap ends its sequence, and by the time-to-live loses its
     * state ({@link StreamSettings}); a bounded run still flushes everything at its end.
     */
    public static DataStream<SegmentScore> buildKafka(StreamExecutionEnvironment env, Source<FrameRecord, ?, ?> source,
            ModelRef model, EncoderFactory encoder, Sink<SegmentScore> sink, Sink<DeadLetter> deadLetters,
            StreamSettings settings) throws IOException {
        DataStream<FrameRecord> records = env.fromSource(source,
                        WatermarkStrategy.<FrameRecord>forBoundedOutOfOrderness(
                                        Duration.ofMillis(settings.outOfOrdernessMs()))
                                .withTimestampAssigner((r, kafkaTs) -> r.eventTimeMs())
                                .withIdleness(Duration.ofMillis(settings.sourceIdleMs())),
                        KafkaConnectors.SOURCE_NAME)
                .uid(KafkaConnectors.SOURCE_UID);
        SingleOutputStreamOperator<CameraFrame> frames = records.keyBy(FrameRecord::camera)
                .process(new FrameRecordDecoder(settings.stateTtlMs()))
                .name(FrameRecordDecoder.NAME).uid(FrameRecordDecoder.UID);
        return buildFrom(frames, frames.getSideOutput(SegmentAssembler.DEAD_LETTERS), model, encoder, sink,
                deadLetters, settings);
    }

    /**
     * Everything after the frames. {@code upstreamDeadLetters} (may be null) joins the assembler's
     * dead letters in one sink.
     */
    static DataStream<SegmentScore> buildFrom(DataStream<CameraFrame> frames, DataStream<DeadLetter> upstreamDeadLetters,
            ModelRef model, EncoderFactory encoder, Sink<SegmentScore> sink, Sink<DeadLetter> deadLetters,
            StreamSettings settings) throws IOException {
        ModelConfig config = checkModel(model);

        DataStream<PreparedCameraFrame> prepared = frames.map(new FramePreparation(encoder))
                .name(FramePreparation.NAME).uid(FramePreparation.UID);

        SingleOutputStreamOperator<SegmentFrames> segments = prepared.keyBy(PreparedCameraFrame::camera)
                .process(new SegmentAssembler(settings.idleGapMs()))
                .name(SegmentAssembler.NAME).uid(SegmentAssembler.UID);

        DataStream<DeadLetter> dead = segments.getSideOutput(SegmentAssembler.DEAD_LETTERS);
        if (upstreamDeadLetters != null) {
            dead = upstreamDeadLetters.union(dead);
        }
        dead.sinkTo(deadLetters)
                .name("dead-letters").uid(DEAD_LETTER_SINK_UID).setParallelism(1);

        DataStream<EncodedSegment> encoded = AsyncDataStream.orderedWait(segments,
                        new SegmentEncodingFunction(encoder, settings.encodeBatch(), settings.encodeMaxDelayMs()),
                        settings.encodeTimeout().toMillis(), TimeUnit.MILLISECONDS, settings.encodeCapacity())
                .name(SegmentEncodingFunction.NAME).uid(SegmentEncodingFunction.UID);

        DataStream<FusedStep> fused = encoded.keyBy(EncodedSegment::camera)
                .process(new ContextWindowFunction(model, settings.stateTtlMs()))
                .name(ContextWindowFunction.NAME).uid(ContextWindowFunction.UID);

        DataStream<FilteredStep> filtered = fused.keyBy(FusedStep::camera)
                .process(KalmanFusionFunction.of(config, settings.stateTtlMs()))
                .name(KalmanFusionFunction.NAME).uid(KalmanFusionFunction.UID);

        DataStream<SegmentScore> scores = filtered.map(new SegmentClassifier(model))
                .name(SegmentClassifier.NAME).uid(SegmentClassifier.UID);

        scores.sinkTo(sink).name("scores").uid(SINK_UID).setParallelism(1);
        return scores;
    }

    /** As the other build, and alerts per {@code rules} from the scores go to {@code alerts}. */
    public static DataStream<SegmentScore> build(StreamExecutionEnvironment env, Source<CameraFrame, ?, ?> source,
            ModelRef model, EncoderFactory encoder, Sink<SegmentScore> sink, Sink<DeadLetter> deadLetters,
            StreamSettings settings, AlertRules rules, Sink<Alert> alerts) throws IOException {
        DataStream<SegmentScore> scores = build(env, source, model, encoder, sink, deadLetters, settings);
        alerts(scores, rules, settings.idleGapMs()).sinkTo(alerts).name("alert-sink").uid(ALERT_SINK_UID)
                .setParallelism(1);
        return scores;
    }

    /**
     * The alert operator on a score stream, without a sink, for callers that choose their own. Its
     * idle gap should be the job's, so that an alert's state goes when the camera's other state does.
     */
    public static DataStream<Alert> alerts(DataStream<SegmentScore> scores, AlertRules rules, long idleGapMs) {
        return scores.keyBy(SegmentScore::camera).process(new AlertFunction(rules, idleGapMs))
                .name(AlertFunction.NAME).uid(AlertFunction.UID);
    }

    /** Reads the model's configuration and checks that it can stream. */
    public static ModelConfig checkModel(ModelRef model) throws IOException {
        ModelFolder folder = model.load();
        ModelConfig config = folder.config();
        if (!config.attention().causal()) {
            throw new IllegalArgumentException(model + " uses " + config.attention().mode()
                    + " attention; streaming needs a causal model (attention {mode: causal, window: W})");
        }
        return config;
    }
}
