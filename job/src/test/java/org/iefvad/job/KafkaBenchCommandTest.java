package org.iefvad.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code bench --kafka} on its in-process broker, at the smallest size that still has two cameras. */
@Timeout(180)
class KafkaBenchCommandTest {
    @Test
    void printsThroughputLatencyAndTheDecodeFloorPerCameraCount() {
        CommandLineTest.Outcome o = CommandLineTest.iefvad("bench", "--kafka", "--kafka-cameras", "2",
                "--kafka-frames", "32");
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("decode JPEG"), o.out());
        Matcher m = Pattern.compile("2 cameras x +16 frames: +([0-9.]+) segments/s +([0-9.]+) frames/s +latency p50 +"
                + "([0-9]+) ms +p99 +([0-9]+) ms +\\(2 segments").matcher(o.out());
        assertTrue(m.find(), o.out());
        assertTrue(Double.parseDouble(m.group(1)) > 0 && Double.parseDouble(m.group(2)) > 0, m.group());
        assertTrue(Long.parseLong(m.group(3)) <= Long.parseLong(m.group(4)), "p50 <= p99: " + m.group());
    }
}
