package org.iefvad.job;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Runs jobs on the Flink cluster this program was handed to ({@code flink run}, or application
 * mode under the Flink Kubernetes Operator), as opposed to {@link LocalExecution}'s in-process
 * MiniCluster. Flink's client then gives the program a context environment; without one,
 * {@link StreamExecutionEnvironment#getExecutionEnvironment()} would quietly start a local one.
 * On a cluster, restarts, high availability and restores (savepoints) belong to the cluster and
 * its operator, so nothing here looks for old checkpoints.
 */
public final class ClusterExecution {
    private ClusterExecution() {}

    /** Whether a Flink client runs this program, so that jobs go to its cluster. */
    public static boolean active() {
        return !(StreamExecutionEnvironment.getExecutionEnvironment() instanceof LocalStreamEnvironment);
    }

    /**
     * The job-level settings the job relies on: RocksDB with incremental checkpoints at the given
     * interval, retained when the job is cancelled, and no Kryo fallback. The cluster's own
     * configuration supplies the rest (restart strategy, HA, savepoint folder).
     *
     * @param checkpointUri where checkpoints go (s3://, hdfs://, file:// on a shared volume); null
     *     to use the cluster's {@code execution.checkpointing.dir}
     */
    public static Configuration configuration(String checkpointUri, Duration interval) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("state.backend.type", "rocksdb");
        m.put("execution.checkpointing.interval", interval.toMillis() + " ms");
        m.put("execution.checkpointing.incremental", "true");
        m.put("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
        m.put("pipeline.generic-types", "false");
        if (checkpointUri != null) {
            m.put("execution.checkpointing.dir", checkpointUri);
        }
        return Configuration.fromMap(m);
    }

    /**
     * The cluster's environment with {@code conf} on top. Fails when checkpoints would have
     * nowhere durable to go, because the exactly-once sinks commit only on completed checkpoints
     * and a restart would otherwise lose every camera's state.
     *
     * @param parallelism null for the cluster's {@code parallelism.default}
     */
    public static StreamExecutionEnvironment environment(Configuration conf, Integer parallelism) {
        if (!active()) {
            throw new IllegalStateException("not running under a Flink client (flink run or application mode)");
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        if (env.getConfiguration().getOptional(CheckpointingOptions.CHECKPOINTS_DIRECTORY).isEmpty()) {
            throw new IllegalArgumentException("no checkpoint storage: pass --checkpoints <uri> (s3://..., hdfs://... "
                    + "or file:// on a volume every pod mounts) or set execution.checkpointing.dir on the cluster");
        }
        if (parallelism != null) {
            env.setParallelism(parallelism);
        }
        return env;
    }
}
