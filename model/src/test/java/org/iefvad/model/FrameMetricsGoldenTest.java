package org.iefvad.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FrameMetricsGoldenTest {

    @Test
    void reportMatchesGolden() throws Exception {
        JsonNode c = ModelFolder.JSON.readTree(SharedData.golden("metrics").resolve("case.json").toFile());
        double atol = c.get("atol").asDouble();
        JsonNode want = c.get("expected");
        FrameMetrics.Report got = FrameMetrics.evaluate(videos(c.get("videos")));

        assertEquals(want.get("auc").asDouble(), got.auc(), atol, "auc");
        assertEquals(want.get("ap").asDouble(), got.ap(), atol, "ap");
        assertEquals(want.get("ano_auc").asDouble(), got.anoAuc(), atol, "ano_auc");
        JsonNode perClass = want.get("per_class");
        assertEquals(perClass.size(), got.perClass().size(), "classes " + got.perClass().keySet());
        for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) perClass::fields) {
            FrameMetrics.ClassReport r = got.perClass().get(e.getKey());
            assertEquals(e.getValue().get("auc").asDouble(), r.auc(), atol, e.getKey() + " auc");
            assertEquals(e.getValue().get("ap").asDouble(), r.ap(), atol, e.getKey() + " ap");
        }
    }

    static List<FrameMetrics.VideoScores> videos(JsonNode list) {
        List<FrameMetrics.VideoScores> out = new ArrayList<>();
        for (int v = 0; v < list.size(); v++) {
            JsonNode n = list.get(v);
            float[] seg = new float[n.get("segment_scores").size()];
            for (int i = 0; i < seg.length; i++) {
                seg[i] = (float) n.get("segment_scores").get(i).asDouble();
            }
            int[] gt = new int[n.get("frame_gt").size()];
            for (int i = 0; i < gt.length; i++) {
                gt[i] = n.get("frame_gt").get(i).asInt();
            }
            out.add(new FrameMetrics.VideoScores("video" + v, n.get("class").asText(), seg, gt));
        }
        return out;
    }
}
