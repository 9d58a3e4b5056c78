package org.iefvad.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.iefvad.operators.Alert;
import org.iefvad.operators.AlertRule;
import org.iefvad.operators.AlertRules;
import org.iefvad.operators.DeadLetter;
import org.iefvad.operators.FrameSource;
import org.iefvad.operators.JsonLinesSink;
import org.iefvad.operators.ModelRef;
import org.iefvad.operators.SegmentScore;
import org.iefvad.operators.VideoInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Alerts from the whole job on real frames, and the run command's alert options. */
class AlertsJobTest {
    static List<JsonNode> lines(Path p) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> rows = new ArrayList<>();
        for (String line : Files.readAllLines(p)) {
            rows.add(json.readTree(line));
        }
        return rows;
    }

    @Test
    void anAlertThatNeverClosesIsClosedAtTheEndOfTheInputWithThePeakOfTheScores(@TempDir Path tmp) throws Exception {
        Path ped2 = StreamingJobTest.shared().resolve("datasets/ucsd-ped2/frames/testing/01");
        ModelRef model = StreamingJobTest.untrainedModel(tmp.resolve("model"));
        Path scores = tmp.resolve("out/scores.jsonl");
        Path alerts = tmp.resolve("out/alerts.jsonl");
        // every score is >= 0 and none is < -1: opens on segment 0, only the end of input closes it
        AlertRules rules = new AlertRules(new AlertRule(0.99, 5, 0.5, 5), Map.of("ped2-01",
                new AlertRule(0.0, 1, -1.0, 1)));
        StreamExecutionEnvironment env = LocalExecution.environment(
                LocalExecution.configuration(tmp.resolve("checkpoints"), Duration.ofMillis(300), false), 2);
        StreamingJob.build(env, new FrameSource(List.of(VideoInput.of("ped2-01", ped2))), model,
                CellStatsTestEncoder::new, JsonLinesSink.<SegmentScore>toFile(scores),
                JsonLinesSink.<DeadLetter>toFile(tmp.resolve("out/dead.jsonl")),
                StreamSettings.defaults().withEncodeBatch(4, 10), rules, JsonLinesSink.<Alert>toFile(alerts));
        env.execute("alerts-job-test");

        List<JsonNode> s = lines(scores);
        assertEquals(12, s.size());
        List<JsonNode> a = lines(alerts);
        assertEquals(2, a.size(), a.toString());
        JsonNode open = a.get(0);
        JsonNode close = a.get(1);
        assertEquals("open", open.get("kind").asText());
        assertEquals(0, open.get("first_segment").asLong());
        assertEquals(0, open.get("last_segment").asLong());
        assertEquals(15, open.get("last_frame").asLong());
        assertEquals("close", close.get("kind").asText());
        assertEquals("ped2-01", close.get("camera").asText());
        assertEquals(0, close.get("first_segment").asLong());
        assertEquals(11, close.get("last_segment").asLong());
        assertEquals(179, close.get("last_frame").asLong());
        JsonNode peak = s.stream().max(Comparator.comparingDouble(r -> r.get("score").asDouble())).orElseThrow();
        assertEquals(peak.get("score").asDouble(), close.get("peak_score").asDouble());
        assertEquals(peak.get("segment").asLong(), close.get("peak_segment").asLong());
        assertEquals(peak.get("w_image").asDouble(), close.get("w_image_at_peak").asDouble());
        assertEquals(peak.get("w_event").asDouble(), close.get("w_event_at_peak").asDouble());
        assertEquals("untrained", close.get("model").asText());
    }

    @Test
    void badAlertRulesFailBeforeTheJobStarts(@TempDir Path tmp) throws Exception {
        Path ped2 = StreamingJobTest.shared().resolve("datasets/ucsd-ped2/frames/testing/01");
        CommandLineTest.Outcome inverted = CommandLineTest.iefvad("run", "--source", ped2.toString(), "--alerts",
                tmp.resolve("a.jsonl").toString(), "--alert-rule", "cam=0.5,3,0.9,3");
        assertEquals(2, inverted.code());
        assertTrue(inverted.err().contains("alert rule 'cam=0.5,3,0.9,3': alert low threshold (0.9) must be below"),
                inverted.err());
        CommandLineTest.Outcome noFile = CommandLineTest.iefvad("run", "--source", ped2.toString(), "--alert-rule",
                "0.95,4,0.6,3");
        assertEquals(2, noFile.code());
        assertTrue(noFile.err().contains("--alert-rule needs --alerts"), noFile.err());
        assertTrue(Files.notExists(tmp.resolve("a.jsonl")));
    }
}
