package org.iefvad.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.clusterframework.types.ResourceID;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.taskexecutor.TaskExecutor;
import org.apache.flink.runtime.taskmanager.TaskManagerLocation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import kafka.server.BrokerServer;
import org.iefvad.model.FrameReader;
import org.iefvad.model.VideoFrame;
import org.iefvad.operators.FrameRecordFormat;
import org.iefvad.operators.FrameRecordFormat.ImageFormat;
import org.iefvad.operators.KafkaConnectors;
import org.iefvad.operators.ModelEncoderFactory;
import org.iefvad.operators.ModelRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka job under failures: a MiniCluster with two task managers, of which the one that runs
 * the job is killed at seeded random moments while frames are still arriving; output read back
 * with read_committed must be what a run without failures produced, once per segment.
 */
class KafkaFailureTest {
    static final int FRAMES = 96;
    static final Map<String, Path> CAMERAS = new LinkedHashMap<>();
    static final Map<String, List<VideoFrame>> VIDEO = new LinkedHashMap<>();
    static KafkaClusterTestKit kafka;
    static String bootstrap;

    @BeforeAll
    static void start() throws Exception {
        CAMERAS.put("ped2-test01", KafkaJobTest.ped2("testing", "01"));
        CAMERAS.put("ped2-test03", KafkaJobTest.ped2("testing", "03"));
        CAMERAS.put("ped2-train01", KafkaJobTest.ped2("training", "01"));
        for (Map.Entry<String, Path> e : CAMERAS.entrySet()) {
            List<VideoFrame> frames = new ArrayList<>();
            try (FrameReader r = FrameReader.open(e.getValue())) {
                VideoFrame f;
                while (frames.size() < FRAMES && (f = r.next()) != null) {
                    frames.add(f);
                }
            }
            assertEquals(FRAMES, frames.size(), e.getValue().toString());
            VIDEO.put(e.getKey(), frames);
        }
        kafka = KafkaJobTest.newBroker();
        bootstrap = kafka.bootstrapServers();
    }

    @AfterAll
    static void stop() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    /** One unbounded job on its own MiniCluster with two task managers, driven from the test thread. */
    static final class Run implements AutoCloseable {
        static final Field TASK_MANAGERS;

        static {
            try {
                // the MiniCluster knows its task managers only by index; the job's host is known by resource id
                TASK_MANAGERS = MiniCluster.class.getDeclaredField("taskManagers");
                TASK_MANAGERS.setAccessible(true);
            } catch (NoSuchFieldException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final String bootstrap;
        final String scoresTopic;
        final String deadTopic;
        final String framesTopic;
        final MiniCluster cluster;
        final JobID job;
        final KafkaProducer<byte[], byte[]> producer;
        final long captureStart = System.currentTimeMillis();
        int kills;

        Run(String name, Path tmp) throws Exception {
            this(name, tmp, KafkaFailureTest.bootstrap);
        }

        Run(String name, Path tmp, String bootstrap) throws Exception {
            this.bootstrap = bootstrap;
            framesTopic = name + "-frames";
            scoresTopic = name + "-scores";
            deadTopic = name + "-dead";
            KafkaConnectors.ensureTopics(bootstrap, 2, List.of(framesTopic));
            KafkaConnectors.ensureTopics(bootstrap, 1, List.of(scoresTopic, deadTopic));
            Properties p = new Properties();
            p.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.setProperty(ProducerConfig.ACKS_CONFIG, "all");
            producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());

            Configuration conf = LocalExecution.configuration(tmp.resolve(name + "-cp"), Duration.ofMillis(300), true);
            // many quick restarts: each kill costs one attempt, and the test's own deadline bounds the run
            conf.setString("restart-strategy.fixed-delay.attempts", "100");
            conf.setString("restart-strategy.fixed-delay.delay", "100 ms");
            conf.setString("rest.bind-port", "0");
            cluster = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(conf)
                    .setNumTaskManagers(2).setNumSlotsPerTaskManager(1).build());
            try {
                cluster.start();
                StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
                env.setParallelism(1);
                ModelRef model = ModelRef.bundled();
                KafkaJob.build(env, new KafkaJob.Settings(bootstrap, framesTopic, scoresTopic, deadTopic, name,
                        "iefvad-" + name, 60_000, false, 2), model, new ModelEncoderFactory(model),
                        StreamSettings.defaults());
                job = cluster.submitJob(env.getStreamGraph().getJobGraph()).get(30, TimeUnit.SECONDS).getJobID();
            } catch (Exception | AssertionError e) {
                producer.close();
                cluster.close();
                throw e;
            }
        }

        /** Frames {@code [from, to)} of {@code camera}, acknowledged by the broker. */
        void publish(String camera, int from, int to) throws Exception {
            for (VideoFrame f : VIDEO.get(camera).subList(from, to)) {
                producer.send(FrameRecordFormat.encode(framesTopic, camera, f, captureStart + 100 * f.index(),
                        ImageFormat.JPEG));
            }
            producer.flush();
        }

        List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> scores() {
            return KafkaJobTest.readCommitted(bootstrap, scoresTopic);
        }

        AccessExecutionGraph graph() throws Exception {
            return cluster.getExecutionGraph(job).get(30, TimeUnit.SECONDS);
        }

        /** Restarts so far: every restart redeploys the job's one pipelined region with a new attempt number. */
        int restarts() throws Exception {
            int max = 0;
            for (AccessExecutionVertex v : graph().getAllExecutionVertices()) {
                max = Math.max(max, v.getCurrentExecutionAttempt().getAttemptNumber());
            }
            return max;
        }

        long completedCheckpoints() throws Exception {
            CheckpointStatsSnapshot s = graph().getCheckpointStatsSnapshot();
            return s == null ? 0 : s.getCounts().getNumberOfCompletedCheckpoints();
        }

        void assertAlive() throws Exception {
            assertTrue(!cluster.getJobStatus(job).get(30, TimeUnit.SECONDS).isTerminalState(),
                    "job ended: " + cluster.getJobStatus(job).get());
        }

        /** Until every task of the job is running (after a restart: redeployed). */
        void awaitRunning(Duration timeout) throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                boolean running = true;
                for (AccessExecutionVertex v : graph().getAllExecutionVertices()) {
                    running &= v.getExecutionState() == ExecutionState.RUNNING;
                }
                if (running) {
                    return;
                }
                assertAlive();
                assertTrue(System.nanoTime() < deadline, "job not running within " + timeout);
                Thread.sleep(20);
            }
        }

        void awaitCommitted(int n, Duration timeout) throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (scores().size() < n) {
                assertAlive();
                assertTrue(System.nanoTime() < deadline, "no " + n + " committed scores within " + timeout);
                Thread.sleep(200);
            }
        }

        void awaitCheckpoints(long n, Duration timeout) throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (completedCheckpoints() < n) {
                assertAlive();
                assertTrue(System.nanoTime() < deadline, "no " + n + " completed checkpoints within " + timeout);
                Thread.sleep(50);
            }
        }

        /** Terminates the task manager that runs the job and starts a fresh one in its place. */
        @SuppressWarnings("unchecked")
        void killHost() throws Exception {
            ResourceID host = null;
            for (AccessExecutionVertex v : graph().getAllExecutionVertices()) {
                TaskManagerLocation l = v.getCurrentAssignedResourceLocation();
                if (l != null) {
                    host = l.getResourceID();
                }
            }
            assertTrue(host != null, "the job runs nowhere");
            List<TaskExecutor> tms = (List<TaskExecutor>) TASK_MANAGERS.get(cluster);
            int index = -1;
            for (int i = 0; i < tms.size(); i++) {
                if (tms.get(i).getResourceID().equals(host)) {
                    index = i;
                }
            }
            assertTrue(index >= 0, "no task manager " + host);
            cluster.terminateTaskManager(index).get(30, TimeUnit.SECONDS);
            cluster.startTaskManager();
            kills++;
        }

        @Override
        public void close() throws Exception {
            try {
                if (!cluster.getJobStatus(job).get(30, TimeUnit.SECONDS).isTerminalState()) {
                    cluster.cancelJob(job).get(30, TimeUnit.SECONDS);
                }
            } finally {
                producer.close(Duration.ofSeconds(10));
                cluster.close();
            }
        }
    }

    static int segments() {
        return CAMERAS.size() * FRAMES / 16;
    }

    /** (camera, segment) to score, after checking that every segment is there once and in order. */
    static Map<String, Double> checked(Run run) throws Exception {
        Map<String, List<JsonNode>> byCamera = KafkaJobTest.byCamera(run.scores());
        assertEquals(CAMERAS.keySet(), byCamera.keySet());
        Map<String, Double> scores = new LinkedHashMap<>();
        for (Map.Entry<String, List<JsonNode>> e : byCamera.entrySet()) {
            KafkaJobTest.assertSegments(e.getKey(), e.getValue(), FRAMES);
            e.getValue().forEach(n -> scores.put(e.getKey() + "#" + n.get("segment").asLong(), n.get("score").asDouble()));
        }
        assertEquals(0, KafkaJobTest.readCommitted(run.bootstrap, run.deadTopic).size(), "no dead letters");
        return scores;
    }

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void killingTheTaskManagerAtRandomMomentsLosesAndRepeatsNothingAndStateComesBack(@TempDir Path tmp)
            throws Exception {
        long t0 = System.nanoTime();
        Map<String, Double> calm;
        try (Run run = new Run("calm", tmp)) {
            for (String cam : CAMERAS.keySet()) {
                run.publish(cam, 0, FRAMES);
            }
            run.awaitCommitted(segments(), Duration.ofSeconds(60));
            calm = checked(run);
            assertEquals(0, run.restarts(), "the calm run never restarted");
        }
        double calmSeconds = (System.nanoTime() - t0) / 1e9;

        long t1 = System.nanoTime();
        Random random = new Random(20261203L);
        int waves = 12;
        int restarts;
        int kills;
        Map<String, Double> chaos;
        try (Run run = new Run("chaos", tmp)) {
            // frames keep arriving between kills, so that failures hit records in flight, open
            // transactions and checkpoints at every stage
            for (int w = 0; w < waves; w++) {
                int step = FRAMES / waves;
                for (String cam : CAMERAS.keySet()) {
                    run.publish(cam, w * step, (w + 1) * step);
                }
                run.awaitRunning(Duration.ofSeconds(30));
                Thread.sleep(50 + random.nextInt(700));
                run.killHost();
            }
            run.awaitCommitted(segments(), Duration.ofSeconds(60));
            // a late duplicate would need another checkpoint to become visible
            run.awaitCheckpoints(run.completedCheckpoints() + 2, Duration.ofSeconds(20));
            chaos = checked(run);
            restarts = run.restarts();
            kills = run.kills;
        }
        double chaosSeconds = (System.nanoTime() - t1) / 1e9;
        System.out.printf("KafkaFailureTest: %d task manager kills, %d restarts, %d segments; calm run %.1f s, "
                + "run with failures %.1f s%n", kills, restarts, segments(), calmSeconds, chaosSeconds);

        assertTrue(restarts >= 10, "restarts: " + restarts);
        assertEquals(calm.keySet(), chaos.keySet());
        for (Map.Entry<String, Double> e : calm.entrySet()) {
            assertEquals(e.getValue(), chaos.get(e.getKey()), 1e-6, e.getKey() + ": the Kalman and context state came back");
        }
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aCameraSilentForSeveralCheckpointsBreaksNoCommit(@TempDir Path tmp) throws Exception {
        List<String> cams = List.copyOf(CAMERAS.keySet());
        String a = cams.get(0);
        String b = cams.get(1);
        try (Run run = new Run("idle", tmp)) {
            run.publish(a, 0, 32);
            run.awaitCommitted(2, Duration.ofSeconds(60));
            // nothing arrives: every one of these checkpoints commits empty transactions on both sinks
            long before = run.completedCheckpoints();
            run.awaitCheckpoints(before + 6, Duration.ofSeconds(30));
            assertEquals(2, run.scores().size(), "nothing new while silent");
            run.publish(a, 32, 64);
            run.publish(b, 0, 32);
            run.awaitCommitted(6, Duration.ofSeconds(60));
            run.awaitCheckpoints(run.completedCheckpoints() + 2, Duration.ofSeconds(20));
            Map<String, List<JsonNode>> scores = KafkaJobTest.byCamera(run.scores());
            assertEquals(List.of(a, b), List.copyOf(scores.keySet()));
            KafkaJobTest.assertSegments(a, scores.get(a), 64);
            KafkaJobTest.assertSegments(b, scores.get(b), 32);
            assertEquals(0, run.restarts(), "no commit failed");
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aBrokerOutageStallsTheJobWhichThenResumesWithoutLoss(@TempDir Path tmp) throws Exception {
        List<String> cams = List.copyOf(CAMERAS.keySet());
        String a = cams.get(0);
        String b = cams.get(1);
        // its own broker: a short session lets the restarted broker register again within a second
        // or two instead of the default 9 s
        try (KafkaClusterTestKit own = KafkaJobTest.newBroker(Map.of("broker.heartbeat.interval.ms", "300",
                "broker.session.timeout.ms", "1200"))) {
            BrokerServer broker = own.brokers().values().iterator().next();
            try (Run run = new Run("outage", tmp, own.bootstrapServers())) {
                run.publish(a, 0, 32);
                run.awaitCommitted(2, Duration.ofSeconds(60));
                run.publish(a, 32, 64);
                // frames in flight, transactions open: the broker goes away under them
                broker.shutdown();
                broker.awaitShutdown();
                long checkpointsBefore = run.completedCheckpoints();
                long heapBeforeMb = usedHeapAfterGcMb();
                Thread.sleep(5000);
                run.assertAlive();
                long checkpointsDuring = run.completedCheckpoints() - checkpointsBefore;
                int restartsDuring = run.restarts();
                long heapMb = usedHeapAfterGcMb();
                // backpressure, not buffering: while the sinks cannot commit, the job holds what was
                // in flight and takes nothing more (a 768x576 segment alone is ~21 MiB of frames)
                assertTrue(heapMb - heapBeforeMb < OUTAGE_HEAP_GROWTH_MB, "heap grew from " + heapBeforeMb + " to "
                        + heapMb + " MiB during the outage");

                long up = System.nanoTime();
                broker.startup();
                own.waitForReadyBrokers();
                run.publish(a, 64, 96);
                run.publish(b, 0, 32);
                run.awaitCommitted(8, Duration.ofSeconds(90));
                double resumeSeconds = (System.nanoTime() - up) / 1e9;
                run.awaitCheckpoints(run.completedCheckpoints() + 2, Duration.ofSeconds(30));

                // the producers block and retry within their timeouts: the outage is waited out, not failed
                assertEquals(0, restartsDuring, "restarts while the broker was down");
                Map<String, List<JsonNode>> scores = KafkaJobTest.byCamera(run.scores());
                assertEquals(List.of(a, b), List.copyOf(scores.keySet()));
                KafkaJobTest.assertSegments(a, scores.get(a), 96);
                KafkaJobTest.assertSegments(b, scores.get(b), 32);
                System.out.printf("KafkaFailureTest: broker down 5 s: %d checkpoints completed, %d restarts during "
                        + "the outage, %d restarts in all, heap after GC %d -> %d MiB; all 8 segments committed %.1f s "
                        + "after the broker came back%n", checkpointsDuring, restartsDuring, run.restarts(), heapBeforeMb,
                        heapMb, resumeSeconds);
            }
        }
    }

    /** Heap growth allowed while the broker is away: far below what buffering the input would take. */
    static final long OUTAGE_HEAP_GROWTH_MB = 256;

    static long usedHeapAfterGcMb() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Runtime r = Runtime.getRuntime();
        return (r.totalMemory() - r.freeMemory()) >> 20;
    }
}
