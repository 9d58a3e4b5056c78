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

/** {@code demo --kafka}: an in-process broker, three cameras, committed scores as the only standard output. */
@Timeout(180)
class KafkaDemoTest {
    @Test
    void threeSampleVideosComeBackAsCommittedJsonLines() throws Exception {
        assertTrue(Files.isRegularFile(Path.of("/usr/share/doc/opencv-doc/examples/data/tree.avi")),
                "needs Debian's opencv-doc sample videos (README, Set-up)");
        CommandLineTest.Outcome o = CommandLineTest.iefvad("demo", "--kafka", "--limit", "20");
        assertEquals(0, o.code(), o.err());
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> rows = new ArrayList<>();
        for (String line : o.out().strip().split("\n")) {
            rows.add(json.readTree(line)); // anything but JSON on stdout fails here
        }
        Set<String> cams = new TreeSet<>();
        rows.forEach(r -> cams.add(r.get("camera").asText()));
        assertEquals(Set.of("megamind", "tree", "vtest"), cams);
        // 20 frames each: a full segment and a partial one, flushed when the bounded run ends
        assertEquals(6, rows.size(), o.out());
        assertTrue(o.err().contains("6 scores, 0 dead letters"), o.err());
    }
}
