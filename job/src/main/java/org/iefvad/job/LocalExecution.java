package org.iefvad.job;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Runs jobs inside this JVM (a MiniCluster) with RocksDB state and incremental checkpoints in a
 * local folder. Flink 2 has no setStateBackend(): everything goes through the configuration.
 */
public final class LocalExecution {
    private LocalExecution() {}

    /**
     * @param checkpointDir where checkpoints go (created); RocksDB's working files go to its {@code rocksdb/} sibling
     * @param interval checkpoint interval
     * @param restart false for runs that must not fail: a failure then ends the run instead of
     *     restarting forever from the last checkpoint
     */
    public static Configuration configuration(Path checkpointDir, Duration interval, boolean restart) throws java.io.IOException {
        Path cp = checkpointDir.toAbsolutePath().normalize();
        Path rocks = cp.resolveSibling(cp.getFileName() + "-rocksdb");
        for (Path dir : List.of(cp, rocks)) {
            try {
                Files.createDirectories(dir);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                throw new java.io.IOException("cannot create the folder " + dir + ": a file has that path", e);
            } catch (java.io.IOException e) {
                throw new java.io.IOException("cannot create the folder " + dir + " (" + e.getClass().getSimpleName()
                        + (e.getMessage() != null && !e.getMessage().equals(dir.toString()) ? ": " + e.getMessage() : "")
                        + ")", e);
            }
        }
        Map<String, String> m = new LinkedHashMap<>();
        m.put("state.backend.type", "rocksdb");
        m.put("state.backend.rocksdb.localdir", rocks.toString());
        m.put("execution.checkpointing.dir", cp.toUri().toString());
        m.put("execution.checkpointing.interval", interval.toMillis() + " ms");
        m.put("execution.checkpointing.incremental", "true");
        m.put("restart-strategy.type", restart ? "fixed-delay" : "none");
        if (restart) {
            m.put("restart-strategy.fixed-delay.attempts", "3");
            m.put("restart-strategy.fixed-delay.delay", "1 s");
        }
        // Every record type is a POJO/record with Flink's own serializer; fail rather than fall back to Kryo.
        m.put("pipeline.generic-types", "false");
        return Configuration.fromMap(m);
    }

    /** A local (in-process) environment with this configuration. */
    public static StreamExecutionEnvironment environment(Configuration conf, int parallelism) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
        return env;
    }
}
