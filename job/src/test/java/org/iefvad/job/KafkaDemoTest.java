package org.iefvad.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code demo --kafka}: an in-process broker, three cameras, committed scores and alerts as the only standard output. */
@Timeout(180)
class KafkaDemoTest {
    @Test
    void threeSampleVideosComeBackAsCommittedJsonLines() throws Exception {
        assertTrue(Files.isRegularFile(Path.of("/usr/share/doc/opencv-doc/examples/data/tree.avi")),
                "needs Debian's opencv-doc sample videos (README, Set-up)");
        CommandLineTest.Outcome o = CommandLineTest.iefvad("demo", "--kafka", "--limit", "20", "--alert-rule", "0,1,-1,1");
        assertEquals(0, o.code(), o.err());
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> rows = new ArrayList<>();
        for (String line : o.out().strip().split("\n")) {
            rows.add(json.readTree(line)); // anything but JSON on stdout fails here
        }
        Set<String> cams = new TreeSet<>();
        rows.forEach(r -> cams.add(r.get("camera").asText()));
        assertEquals(Set.of("megamind", "tree", "vtest"), cams);
        // 20 frames each: a full segment and a partial one, flushed when the bounded run ends; with a
        // rule that opens on any score, each camera's alert opens and closes once
        List<JsonNode> scores = rows.stream().filter(r -> !r.has("kind")).toList();
        List<JsonNode> alerts = rows.stream().filter(r -> r.has("kind")).toList();
        assertEquals(6, scores.size(), o.out());
        assertEquals(6, alerts.size(), o.out());
        assertEquals(3, alerts.stream().filter(a -> a.get("kind").asText().equals("open")).count(), o.out());
        assertTrue(o.err().contains("6 scores, 6 alert records, 0 dead letters"), o.err());
    }
}
