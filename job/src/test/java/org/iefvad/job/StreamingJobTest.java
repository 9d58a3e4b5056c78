package org.iefvad.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.iefvad.model.FrameReader;
import org.iefvad.model.HeadInitializer;
import org.iefvad.model.ModelConfig;
import org.iefvad.operators.DeadLetter;
import org.iefvad.operators.FrameSource;
import org.iefvad.operators.JsonLinesSink;
import org.iefvad.operators.ModelRef;
import org.iefvad.operators.SegmentScore;
import org.iefvad.operators.VideoInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole job in a MiniCluster on real frames, with RocksDB and incremental checkpoints. */
class StreamingJobTest {
    static final Path VTEST = Path.of("/usr/share/doc/opencv-doc/examples/data/vtest.avi");

    static Path shared() {
        String p = System.getProperty("iefvad.shared");
        Path root = p != null ? Path.of(p) : Path.of("..", "..", "shared");
        return Files.isDirectory(root.resolve("datasets")) ? root : Path.of("..", "..", "shared");
    }

    static ModelRef untrainedModel(Path dir) throws Exception {
        ModelConfig cfg = HeadInitializer.defaults(CellStatsTestEncoder.D, ModelConfig.Attention.causal(8),
                new ModelConfig.Kalman(true, 1.0));
        HeadInitializer.initialize(cfg, 42).write(dir);
        return ModelRef.folder(dir);
    }

    static long countFrames(Path p) throws Exception {
        try (FrameReader r = FrameReader.open(p)) {
            long n = 0;
            while (r.next() != null) {
                n++;
            }
            return n;
        }
    }

    @Test
    void scoresEverySegmentOfTwoCamerasInOrder(@TempDir Path tmp) throws Exception {
        Path ped2 = shared().resolve("datasets/ucsd-ped2/frames/testing/01");
        Map<String, Long> frames = Map.of("ped2-01", countFrames(ped2), "vtest", countFrames(VTEST));
        assertEquals(180, frames.get("ped2-01"));
        ModelRef model = untrainedModel(tmp.resolve("model"));
        Path scores = tmp.resolve("out/scores.jsonl");
        Path dead = tmp.resolve("out/dead.jsonl");
        Path checkpoints = tmp.resolve("checkpoints");

        StreamExecutionEnvironment env = LocalExecution.environment(
                LocalExecution.configuration(checkpoints, Duration.ofMillis(300), false), 2);
        StreamingJob.build(env,
                new FrameSource(List.of(VideoInput.of("ped2-01", ped2), VideoInput.of("vtest", VTEST))),
                model, CellStatsTestEncoder::new, JsonLinesSink.<SegmentScore>toFile(scores),
                JsonLinesSink.<DeadLetter>toFile(dead), StreamSettings.defaults().withEncodeBatch(4, 10));
        env.execute("streaming-job-test");

        ObjectMapper json = new ObjectMapper();
        Map<String, List<JsonNode>> byCamera = new LinkedHashMap<>();
        for (String line : Files.readAllLines(scores)) {
            JsonNode n = json.readTree(line);
            byCamera.computeIfAbsent(n.get("camera").asText(), k -> new ArrayList<>()).add(n);
        }
        assertEquals(frames.keySet(), byCamera.keySet());
        for (Map.Entry<String, List<JsonNode>> e : byCamera.entrySet()) {
            long n = frames.get(e.getKey());
            long expectedSegments = (n + 15) / 16; // full segments plus the partial last one
            List<JsonNode> rows = e.getValue();
            assertEquals(expectedSegments, rows.size(), e.getKey() + ": one score per segment");
            for (int s = 0; s < rows.size(); s++) {
                JsonNode r = rows.get(s);
                String where = e.getKey() + " segment " + s;
                assertEquals(s, r.get("segment").asLong(), where + " in order");
                assertEquals(16L * s, r.get("first_frame").asLong(), where);
                assertEquals(Math.min(16L * s + 15, n - 1), r.get("last_frame").asLong(), where);
                double score = r.get("score").asDouble();
                assertTrue(score >= 0 && score <= 1, where + " score " + score);
                assertEquals(1.0, r.get("w_image").asDouble() + r.get("w_event").asDouble(), 1e-3, where);
                assertTrue(r.get("state_var").asDouble() > 0, where);
                assertEquals("untrained", r.get("model").asText());
            }
        }
        assertEquals(12, byCamera.get("ped2-01").size(), "180 frames: 11 full segments and one of 4 frames");
        List<Double> distinct = byCamera.get("vtest").stream().map(r -> r.get("score").asDouble()).distinct().toList();
        assertNotEquals(1, distinct.size(), "scores vary with the input");
        assertEquals(0, Files.readAllLines(dead).size(), "no frame was set aside");
        try (Stream<Path> s = Files.walk(checkpoints)) {
            assertTrue(s.anyMatch(p -> p.getFileName().toString().equals("shared")),
                    "checkpoint storage was set up in the given folder");
        }
    }

    @Test
    void unreadableVideoFailsTheJobWithTheReadersMessage(@TempDir Path tmp) throws Exception {
        Path bad = tmp.resolve("x.avi");
        Files.writeString(bad, "not a video\n".repeat(50));
        ModelRef model = untrainedModel(tmp.resolve("model"));
        StreamExecutionEnvironment env = LocalExecution.environment(
                LocalExecution.configuration(tmp.resolve("cp"), Duration.ofSeconds(1), false), 1);
        StreamingJob.build(env, new FrameSource(List.of(VideoInput.of("bad-cam", bad))), model,
                CellStatsTestEncoder::new, JsonLinesSink.<SegmentScore>toFile(tmp.resolve("s.jsonl")),
                JsonLinesSink.<DeadLetter>toFile(tmp.resolve("d.jsonl")));
        Exception e = assertThrows(Exception.class, () -> env.execute("bad-input"));
        StringBuilder chain = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            chain.append(t.getMessage()).append('\n');
        }
        assertTrue(chain.toString().contains("camera bad-cam: " + bad), chain.toString());
    }

    @Test
    void bidirectionalModelIsRejectedBeforeTheJobStarts(@TempDir Path tmp) throws Exception {
        ModelConfig cfg = HeadInitializer.defaults(CellStatsTestEncoder.D, ModelConfig.Attention.bidirectional(),
                new ModelConfig.Kalman(true, 1.0));
        HeadInitializer.initialize(cfg, 1).write(tmp.resolve("m"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StreamingJob.checkModel(ModelRef.folder(tmp.resolve("m"))));
        assertTrue(e.getMessage().contains("causal"), e.getMessage());
    }
}
