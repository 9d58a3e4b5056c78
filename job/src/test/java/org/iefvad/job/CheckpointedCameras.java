package org.iefvad.job;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;
import org.iefvad.operators.AlertFunction;
import org.iefvad.operators.ContextWindowFunction;
import org.iefvad.operators.FrameRecordDecoder;
import org.iefvad.operators.KalmanFusionFunction;
import org.iefvad.operators.SegmentAssembler;

/**
 * The cameras that hold keyed state in a completed checkpoint of the job, per keyed operator. The
 * checkpoint is read back with Flink's State Processor API through the backend that wrote it
 * (RocksDB, incremental), so what is counted is what a restore would bring back.
 */
final class CheckpointedCameras {
    private CheckpointedCameras() {}

    /** A keyed operator by uid, with every state it declares. */
    record KeyedOperator(String uid, List<StateDescriptor<?, ?>> states) implements Serializable {}

    /** The keyed operators of the Kafka job with alerts, in the order records pass them. */
    static final List<KeyedOperator> KAFKA_JOB = List.of(
            new KeyedOperator(FrameRecordDecoder.UID, List.of(FrameRecordDecoder.LAST_INDEX, FrameRecordDecoder.CLEANUP)),
            new KeyedOperator(SegmentAssembler.UID, List.of(SegmentAssembler.FRAMES, SegmentAssembler.CURSOR)),
            new KeyedOperator(ContextWindowFunction.UID, List.of(ContextWindowFunction.WINDOW, ContextWindowFunction.CLEANUP)),
            new KeyedOperator(KalmanFusionFunction.UID, List.of(KalmanFusionFunction.STATE, KalmanFusionFunction.CLEANUP,
                    KalmanFusionFunction.LAST_SEGMENT)),
            new KeyedOperator(AlertFunction.UID, List.of(AlertFunction.STATE)));

    /** Operator uid to the cameras (keys) for which at least one of its states is set in {@code checkpoint}. */
    static Map<String, Set<String>> read(Path checkpoint, List<KeyedOperator> operators) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        SavepointReader reader = SavepointReader.read(env, checkpoint.toUri().toString(),
                new EmbeddedRocksDBStateBackend());
        Map<String, Set<String>> cameras = new TreeMap<>();
        DataStream<Tuple2<String, String>> all = null;
        for (KeyedOperator op : operators) {
            cameras.put(op.uid(), new TreeSet<>());
            DataStream<Tuple2<String, String>> keys = reader.readKeyedState(OperatorIdentifier.forUid(op.uid()),
                    new CamerasWithState(op), Types.STRING, Types.TUPLE(Types.STRING, Types.STRING));
            all = all == null ? keys : all.union(keys);
        }
        try (CloseableIterator<Tuple2<String, String>> it = all.executeAndCollect("read " + checkpoint.getFileName())) {
            while (it.hasNext()) {
                Tuple2<String, String> t = it.next();
                cameras.get(t.f0).add(t.f1);
            }
        }
        return cameras;
    }

    /**
     * Emits (uid, camera) for a camera with any state set. The reader visits every key that one of
     * the registered states has an entry for, so the states must be all the operator declares.
     */
    static final class CamerasWithState extends KeyedStateReaderFunction<String, Tuple2<String, String>> {
        private final KeyedOperator operator;
        private transient List<ValueState<?>> values;
        private transient List<ListState<?>> lists;

        CamerasWithState(KeyedOperator operator) {
            this.operator = operator;
        }

        @Override
        public void open(OpenContext ctx) {
            values = new ArrayList<>();
            lists = new ArrayList<>();
            for (StateDescriptor<?, ?> d : operator.states()) {
                if (d instanceof ValueStateDescriptor<?> v) {
                    values.add(getRuntimeContext().getState(v));
                } else if (d instanceof ListStateDescriptor<?> l) {
                    lists.add(getRuntimeContext().getListState(l));
                } else {
                    throw new IllegalArgumentException("no reader for " + d.getClass().getSimpleName() + " " + d.getName());
                }
            }
        }

        @Override
        public void readKey(String camera, Context ctx, Collector<Tuple2<String, String>> out) throws Exception {
            boolean held = false;
            for (ValueState<?> v : values) {
                held |= v.value() != null;
            }
            for (ListState<?> l : lists) {
                Iterable<?> items = l.get();
                held |= items != null && items.iterator().hasNext();
            }
            if (held) {
                out.collect(Tuple2.of(operator.uid(), camera));
            }
        }
    }
}
