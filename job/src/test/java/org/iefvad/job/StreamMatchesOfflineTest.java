package org.iefvad.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.iefvad.model.FusionHead;
import org.iefvad.model.ModelFolder;
import org.iefvad.model.SegmentEncoder;
import org.iefvad.model.SegmentEncoders;
import org.iefvad.model.VideoEmbeddings;
import org.iefvad.operators.DeadLetter;
import org.iefvad.operators.FrameSource;
import org.iefvad.operators.JsonLinesSink;
import org.iefvad.operators.ModelEncoderFactory;
import org.iefvad.operators.ModelRef;
import org.iefvad.operators.SegmentScore;
import org.iefvad.operators.VideoInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundled model on a real video: the streaming job (RocksDB, checkpoints, causal context
 * window, Kalman state) gives the offline scorer's result for every segment.
 */
class StreamMatchesOfflineTest {

    @Test
    void streamingScoresEqualOfflineScoresOfTheSameEmbeddings(@TempDir Path tmp) throws Exception {
        Path video = StreamingJobTest.shared().resolve("datasets/ucsd-ped2/frames/testing/01");
        ModelRef ref = ModelRef.bundled();
        Path scores = tmp.resolve("scores.jsonl");
        StreamExecutionEnvironment env = LocalExecution.environment(
                LocalExecution.configuration(tmp.resolve("cp"), Duration.ofMillis(500), false), 1);
        StreamingJob.build(env, new FrameSource(List.of(VideoInput.of("ped2", video))), ref,
                new ModelEncoderFactory(ref), JsonLinesSink.<SegmentScore>toFile(scores),
                JsonLinesSink.<DeadLetter>toFile(tmp.resolve("dead.jsonl")));
        env.execute("stream-vs-offline");

        ModelFolder model = ModelFolder.readBundled();
        FusionHead.Result offline;
        try (SegmentEncoder enc = SegmentEncoders.forModel(model); FusionHead head = new FusionHead(model)) {
            VideoEmbeddings e = VideoEmbeddings.extract("ped2", video, enc);
            offline = head.forward(e.zx(), e.ze());
        }
        List<String> lines = Files.readAllLines(scores);
        float[] prob = offline.prob().data();
        assertEquals(prob.length, lines.size(), "one score per segment");
        ObjectMapper json = new ObjectMapper();
        int d = model.config().embedDim();
        for (int s = 0; s < lines.size(); s++) {
            JsonNode n = json.readTree(lines.get(s));
            assertEquals(s, n.get("segment").asInt());
            assertEquals(prob[s], n.get("score").asDouble(), 1e-4, "segment " + s);
            double wx = 0;
            double var = 0;
            for (int i = 0; i < d; i++) {
                wx += offline.wX().data()[s * d + i];
                var += offline.stateVar().data()[s * d + i];
            }
            assertEquals(wx / d, n.get("w_image").asDouble(), 1e-4, "segment " + s + " w_image");
            assertEquals(var / d, n.get("state_var").asDouble(), 1e-4 * Math.max(1, var / d), "segment " + s + " state_var");
            assertEquals(model.config().version(), n.get("model").asText());
        }
    }
}
