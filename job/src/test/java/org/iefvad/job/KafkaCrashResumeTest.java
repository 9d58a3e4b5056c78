package org.iefvad.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.iefvad.model.FrameReader;
import org.iefvad.model.VideoFrame;
import org.iefvad.operators.FrameRecordFormat;
import org.iefvad.operators.FrameRecordFormat.ImageFormat;
import org.iefvad.operators.KafkaConnectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash promise, taken literally: {@code iefvad run} in its own JVM, killed with
 * SIGKILL (no cancel, no final checkpoint, transactions left open), then started again with the
 * same checkpoint folder. read_committed must show every segment exactly once.
 */
class KafkaCrashResumeTest {
    static final String FRAMES = "crash-frames";
    static final String SCORES = "crash-scores";
    static final String DEAD = "crash-dead";

    /** Same opens as the ./iefvad launcher and the root pom's flink.add.opens. */
    static final List<String> OPENS = List.of("java.util", "java.lang", "java.lang.reflect", "java.io", "java.net",
            "java.nio", "sun.nio.ch", "java.text", "java.time", "java.util.concurrent", "java.util.concurrent.atomic",
            "java.util.concurrent.locks", "java.lang.invoke", "java.math");

    static Process start(String bootstrap, Path checkpoints, Path log) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx1g");
        for (String p : OPENS) {
            cmd.add("--add-opens=java.base/" + p + "=ALL-UNNAMED");
        }
        cmd.add("-Dai.djl.offline=true");
        cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=error");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("org.iefvad.job.IefvadCommand");
        // unbounded: a bounded run would finish its input and never be mid-stream when killed
        cmd.addAll(List.of("run", "--bootstrap", bootstrap, "--frames-topic", FRAMES, "--scores-topic", SCORES,
                "--dead-letter-topic", DEAD, "--checkpoints", checkpoints.toString(), "--checkpoint-interval-ms",
                "300", "--group", "crash"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("DJL_OFFLINE", "true");
        return pb.start();
    }

    /** Frames {@code from..to-1} of a Ped2 video as camera {@code camera}, capture times 100 ms apart. */
    static List<ProducerRecord<byte[], byte[]>> frames(String camera, Path video, int from, int to) throws Exception {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        // c starts after a and b have ended, so its frames are not behind the watermark
        long base = 1_700_000_000_000L + (camera.equals("c") ? 10_000 : 0);
        try (FrameReader r = FrameReader.open(video)) {
            VideoFrame f;
            while ((f = r.next()) != null && f.index() < to) {
                if (f.index() >= from) {
                    out.add(FrameRecordFormat.encode(FRAMES, camera, f, base + 100 * f.index(), ImageFormat.JPEG));
                }
            }
        }
        return out;
    }

    /** Sends {@code records} in order, {@code pauseMs} apart. */
    static void publish(String bootstrap, List<ProducerRecord<byte[], byte[]>> records, long pauseMs) throws Exception {
        Properties p = new Properties();
        p.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (ProducerRecord<byte[], byte[]> r : records) {
                producer.send(r);
                if (pauseMs > 0) {
                    producer.flush();
                    Thread.sleep(pauseMs);
                }
            }
            producer.flush();
        }
    }

    /** Two cameras' records alternating, as cameras sending at the same time would. */
    static List<ProducerRecord<byte[], byte[]>> interleave(List<ProducerRecord<byte[], byte[]>> x,
            List<ProducerRecord<byte[], byte[]>> y) {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        for (int i = 0; i < Math.max(x.size(), y.size()); i++) {
            if (i < x.size()) {
                out.add(x.get(i));
            }
            if (i < y.size()) {
                out.add(y.get(i));
            }
        }
        return out;
    }

    static void await(String what, Duration limit, Process job, Path log, BooleanSupplier done) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!done.getAsBoolean()) {
            if (!job.isAlive()) {
                fail("iefvad run ended (exit " + job.exitValue() + ") while waiting for " + what + ":\n" + tail(log));
            }
            if (System.nanoTime() > deadline) {
                fail("no " + what + " within " + limit.toSeconds() + " s:\n" + tail(log));
            }
            Thread.sleep(200);
        }
    }

    static String tail(Path log) throws Exception {
        List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    static int committedScores(String bootstrap) {
        return KafkaJobTest.readCommitted(bootstrap, SCORES).size();
    }

    static void kill(Process p) throws Exception {
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the killed job's JVM did not go away");
        }
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void killedWithSigkillAndStartedAgainEverySegmentIsCommittedOnce(@TempDir Path tmp) throws Exception {
        Path a = KafkaJobTest.ped2("testing", "01");
        Path b = KafkaJobTest.ped2("testing", "03");
        Path cp = tmp.resolve("cp");
        Path log = tmp.resolve("run.log");
        Process job = null;
        try (KafkaClusterTestKit kafka = KafkaJobTest.newBroker()) {
            String bootstrap = kafka.bootstrapServers();
            KafkaConnectors.ensureTopics(bootstrap, 2, List.of(FRAMES, SCORES, DEAD));
            // whole segments only: an unbounded job scores a partial segment only after the camera gap
            publish(bootstrap, frames("a", a, 0, 32), 0);
            job = start(bootstrap, cp, log);
            await("committed scores and a completed checkpoint", Duration.ofSeconds(90), job, log,
                    () -> committedScores(bootstrap) >= 2 && hasCheckpoint(cp));

            // paced, so that the kill lands while frames are still arriving and being scored
            List<ProducerRecord<byte[], byte[]>> rest = interleave(frames("a", a, 32, 96), frames("b", b, 0, 64));
            AtomicReference<Exception> publishFailed = new AtomicReference<>();
            Thread publisher = new Thread(() -> {
                try {
                    publish(bootstrap, rest, 40);
                } catch (Exception e) {
                    publishFailed.set(e);
                }
            }, "paced-publisher");
            publisher.start();
            try {
                await("a committed score of the paced frames", Duration.ofSeconds(60), job, log,
                        () -> committedScores(bootstrap) >= 3);
                int before = committedScores(bootstrap);
                boolean stillPublishing = publisher.isAlive();
                kill(job);
                System.out.printf("KafkaCrashResumeTest: killed with %d of 10 segments committed, publisher %s, "
                        + "newest checkpoint %s%n", before, stillPublishing ? "still sending" : "done",
                        KafkaJob.latestCheckpoint(cp).orElseThrow());
                assertTrue(before < 10, "the kill came after all work was done (" + before + " committed)");
            } finally {
                publisher.join(60_000);
            }
            assertTrue(!publisher.isAlive() && publishFailed.get() == null, "publishing failed: " + publishFailed);
            publish(bootstrap, frames("c", a, 0, 32), 0);

            job = start(bootstrap, cp, log);
            // a: 6, b: 4, c: 2
            await("12 committed scores", Duration.ofSeconds(90), job, log, () -> committedScores(bootstrap) >= 12);
            // a duplicate from the replay could still be on its way; give it a few checkpoint intervals
            Thread.sleep(2_000);
            assertTrue(Files.readString(log).contains("resuming from"), "the second run resumed:\n" + tail(log));

            Map<String, List<JsonNode>> scores = KafkaJobTest.byCamera(KafkaJobTest.readCommitted(bootstrap, SCORES));
            assertEquals(List.of("a", "b", "c"), List.copyOf(scores.keySet()));
            // segment numbers that continue across the kill also prove the per-camera state came back
            KafkaJobTest.assertSegments("a", scores.get("a"), 96);
            KafkaJobTest.assertSegments("b", scores.get("b"), 64);
            KafkaJobTest.assertSegments("c", scores.get("c"), 32);
            assertEquals(0, KafkaJobTest.readCommitted(bootstrap, DEAD).size(),
                    "no frame was replayed into the dead letters");
        } finally {
            kill(job);
        }
    }

    static boolean hasCheckpoint(Path cp) {
        try {
            return KafkaJob.latestCheckpoint(cp).isPresent();
        } catch (Exception e) {
            return false;
        }
    }
}
