package org.iefvad.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class AlertFunctionTest {
    static final AlertRule RULE = new AlertRule(0.9, 3, 0.5, 2);
    static final long GAP = 10_000;

    static SegmentScore score(String cam, long seg, double score) {
        return new SegmentScore(cam, seg, seg * 16, seg * 16 + 15, score, 0.4 + seg / 100.0, 0.6 - seg / 100.0, 0.1,
                "m1");
    }

    static double w(long seg) {
        return score("any", seg, 0).wImage();
    }

    static double e(long seg) {
        return score("any", seg, 0).wEvent();
    }

    static KeyedOneInputStreamOperatorTestHarness<String, SegmentScore, Alert> harness(AlertRules rules)
            throws Exception {
        return ProcessFunctionTestHarnesses.forKeyedProcessFunction(new AlertFunction(rules, GAP),
                SegmentScore::camera, Types.STRING);
    }

    /** Feeds one camera's scores as consecutive segments, 1.6 s apart in event time. */
    static void feed(KeyedOneInputStreamOperatorTestHarness<String, SegmentScore, Alert> h, String cam, long first,
            double... scores) throws Exception {
        for (int i = 0; i < scores.length; i++) {
            long seg = first + i;
            h.processElement(score(cam, seg, scores[i]), seg * 1600);
        }
    }

    @Test
    void opensAfterExactlyKSegmentsAtOrAboveHighAndOnlyOnce() throws Exception {
        try (var h = harness(AlertRules.of(RULE))) {
            feed(h, "a", 0, 0.95, 0.99);
            assertEquals(List.of(), h.extractOutputValues(), "k-1 high segments do not open");
            feed(h, "a", 2, 0.9); // exactly at high counts
            List<Alert> out = h.extractOutputValues();
            assertEquals(1, out.size());
            Alert open = out.get(0);
            assertEquals(new Alert("a", Alert.OPEN, 0, 2, 0, 47, 0.99, 1, w(1), e(1), "m1"), open);
            feed(h, "a", 3, 0.97, 0.99, 0.6, 0.95, 0.91);
            assertEquals(1, h.extractOutputValues().size(), "staying high does not open again");
            assertEquals(1, h.numKeyedStateEntries());
            assertEquals(1, h.numEventTimeTimers(), "one cleanup timer per camera, moved with each segment");
        }
    }

    @Test
    void aBreakInTheOpeningRunStartsItAgainAndLeavesNoState() throws Exception {
        try (var h = harness(AlertRules.of(RULE))) {
            feed(h, "a", 0, 0.95, 0.95, 0.89);
            assertEquals(0, h.numKeyedStateEntries(), "closed camera without a run holds no state");
            assertEquals(0, h.numEventTimeTimers());
            feed(h, "a", 3, 0.95, 0.95);
            assertEquals(List.of(), h.extractOutputValues());
            feed(h, "a", 5, 0.92);
            Alert open = h.extractOutputValues().get(0);
            assertEquals(3, open.firstSegment(), "the run that opened it starts after the break");
            assertEquals(5, open.lastSegment());
            assertEquals(48, open.firstFrame());
            assertEquals(95, open.lastFrame());
        }
    }

    @Test
    void closesAfterMSegmentsBelowLowAndBetweenValuesResetTheCloseRun() throws Exception {
        try (var h = harness(AlertRules.of(RULE))) {
            feed(h, "a", 0, 0.95, 0.95, 0.95); // opens at 2
            feed(h, "a", 3, 0.97); // peak
            feed(h, "a", 4, 0.4, 0.97, 0.4); // a tie with the peak: the earlier segment stays the peak
            assertEquals(1, h.extractOutputValues().size(), "one low segment after a reset does not close (m=2)");
            feed(h, "a", 7, 0.7, 0.3); // between low and high resets the close run
            assertEquals(1, h.extractOutputValues().size(), "still open");
            feed(h, "a", 9, 0.49);
            List<Alert> out = h.extractOutputValues();
            assertEquals(2, out.size());
            assertEquals(new Alert("a", Alert.CLOSE, 0, 7, 0, 127, 0.97, 3, w(3), e(3), "m1"), out.get(1),
                    "close covers segments 0..7, the last one before the closing run");
            assertEquals(0, h.numKeyedStateEntries(), "closed again: no state");
            assertEquals(0, h.numEventTimeTimers(), "and no timer");
            feed(h, "a", 10, 0.1, 0.1, 0.1);
            assertEquals(2, h.extractOutputValues().size(), "no second close");
        }
    }

    @Test
    void betweenValuesWhileClosedResetTheOpenRun() throws Exception {
        try (var h = harness(AlertRules.of(RULE))) {
            feed(h, "a", 0, 0.95, 0.95, 0.7, 0.95, 0.95);
            assertEquals(List.of(), h.extractOutputValues());
            feed(h, "a", 5, 0.95);
            assertEquals(3, h.extractOutputValues().get(0).firstSegment());
        }
    }

    @Test
    void rulesApplyPerCamera() throws Exception {
        AlertRules rules = new AlertRules(RULE, Map.of("strict", new AlertRule(0.98, 2, 0.9, 1)));
        try (var h = harness(rules)) {
            feed(h, "strict", 0, 0.95, 0.95, 0.95, 0.99, 0.99);
            feed(h, "loose", 0, 0.95, 0.95, 0.95);
            List<Alert> out = h.extractOutputValues();
            assertEquals(2, out.size());
            assertEquals("strict", out.get(0).camera());
            assertEquals(3, out.get(0).firstSegment(), "0.95 is below the strict camera's high of 0.98");
            assertEquals(4, out.get(0).lastSegment(), "strict opens after k=2");
            assertEquals("loose", out.get(1).camera());
            assertEquals(2, out.get(1).lastSegment(), "other cameras use the default k=3");
            feed(h, "strict", 5, 0.92);
            assertEquals(2, h.extractOutputValues().size(), "0.92 is above the strict low of 0.9");
            feed(h, "strict", 6, 0.89);
            assertEquals(Alert.CLOSE, h.extractOutputValues().get(2).kind(), "strict closes after m=1");
            assertEquals(1, h.numKeyedStateEntries(), "only 'loose' is still in an alert");
        }
    }

    @Test
    void endOfInputClosesAnOpenAlertAndDropsEverything() throws Exception {
        try (var h = harness(AlertRules.of(RULE))) {
            feed(h, "a", 0, 0.95, 0.95, 0.95, 0.99, 0.6, 0.2); // open, pending close run of 1
            feed(h, "b", 0, 0.95); // pending opening run
            assertEquals(2, h.numKeyedStateEntries());
            assertEquals(2, h.numEventTimeTimers());
            h.processWatermark(Long.MAX_VALUE);
            List<Alert> out = h.extractOutputValues();
            assertEquals(2, out.size(), "an open for a, its close; nothing for b's unfinished run");
            assertEquals(new Alert("a", Alert.CLOSE, 0, 4, 0, 79, 0.99, 3, w(3), e(3), "m1"), out.get(1));
            assertEquals(0, h.numKeyedStateEntries());
            assertEquals(0, h.numEventTimeTimers());
        }
    }

    @Test
    void aSilentCameraIsClosedAfterTheIdleGapNotBefore() throws Exception {
        try (var h = harness(AlertRules.of(RULE))) {
            feed(h, "a", 0, 0.95, 0.95, 0.95); // last segment at 3200 ms
            h.processWatermark(3200 + GAP - 1);
            assertEquals(1, h.extractOutputValues().size());
            assertEquals(1, h.numKeyedStateEntries());
            h.processWatermark(3200 + GAP);
            assertEquals(Alert.CLOSE, h.extractOutputValues().get(1).kind());
            assertEquals(2, h.extractOutputValues().get(1).lastSegment());
            assertEquals(0, h.numKeyedStateEntries());
            assertEquals(0, h.numEventTimeTimers());
        }
    }

    @Test
    void aCameraThatRestartsItsSegmentsClosesItsAlertFirst() throws Exception {
        try (var h = harness(AlertRules.of(RULE))) {
            feed(h, "a", 0, 0.95, 0.95, 0.95, 0.95);
            feed(h, "a", 0, 0.95, 0.95, 0.95);
            List<Alert> out = h.extractOutputValues();
            assertEquals(List.of(Alert.OPEN, Alert.CLOSE, Alert.OPEN), out.stream().map(Alert::kind).toList());
            assertEquals(3, out.get(1).lastSegment(), "the old alert ends where the old sequence ended");
            assertEquals(0, out.get(2).firstSegment());
            assertEquals(1, h.numEventTimeTimers());
        }
    }

    @Test
    void kAndMOfOneOpenAndCloseOnASingleSegment() throws Exception {
        try (var h = harness(AlertRules.of(new AlertRule(0.9, 1, 0.5, 1)))) {
            feed(h, "a", 0, 0.3, 0.91, 0.6, 0.49, 0.3);
            List<Alert> out = h.extractOutputValues();
            assertEquals(2, out.size());
            assertEquals(new Alert("a", Alert.OPEN, 1, 1, 16, 31, 0.91, 1, w(1), e(1), "m1"), out.get(0));
            assertEquals(new Alert("a", Alert.CLOSE, 1, 2, 16, 47, 0.91, 1, w(1), e(1), "m1"), out.get(1));
            assertEquals(0, h.numKeyedStateEntries());
            assertEquals(0, h.numEventTimeTimers());
        }
    }

    @Test
    void nanScoresNeitherOpenNorClose() throws Exception {
        try (var h = harness(AlertRules.of(new AlertRule(0.9, 2, 0.5, 2)))) {
            feed(h, "a", 0, 0.95, Double.NaN, 0.95);
            assertEquals(List.of(), h.extractOutputValues());
            feed(h, "a", 3, 0.95, 0.1, Double.NaN, 0.1);
            assertEquals(1, h.extractOutputValues().size(), "NaN broke the closing run");
            assertTrue(h.extractOutputValues().get(0).peakScore() == 0.95);
        }
    }

    @Test
    void rulesAreValidatedAndParsed() {
        assertEquals(AlertRule.DEFAULT, AlertRules.parse(List.of()).defaults());
        AlertRules r = AlertRules.parse(List.of("0.8,2,0.4,5", "cam-1=0.95,4,0.6,3", "a=b=0.99, 1, 0.2, 1"));
        assertEquals(new AlertRule(0.8, 2, 0.4, 5), r.forCamera("other"));
        assertEquals(new AlertRule(0.95, 4, 0.6, 3), r.forCamera("cam-1"));
        assertEquals(new AlertRule(0.99, 1, 0.2, 1), r.forCamera("a=b"));
        assertEquals("0.95,4,0.6,3", r.forCamera("cam-1").toString());

        assertMessage("low threshold (0.9) must be below the high threshold (0.9)", () -> new AlertRule(0.9, 3, 0.9, 3));
        assertMessage("at least 1, got k=0", () -> new AlertRule(0.9, 0, 0.5, 3));
        assertMessage("m=0", () -> new AlertRule(0.9, 1, 0.5, 0));
        assertMessage("finite", () -> new AlertRule(Double.NaN, 1, 0.5, 1));
        assertMessage("(2.0) is above 1, the largest score: the alert could never open",
                () -> new AlertRule(2, 1, 1.5, 1));
        assertEquals(1.0, new AlertRule(1, 1, -1, 1).high(), "a score of exactly 1 can open it");
        assertMessage("alert rule '0.9,3,0.5': expected high,k,low,m", () -> AlertRule.parse("0.9,3,0.5"));
        assertMessage("whole counts", () -> AlertRule.parse("0.9,3.5,0.5,3"));
        assertMessage("alert rule 'cam=0.5,3,0.9,3': alert low threshold (0.9)",
                () -> AlertRules.parse(List.of("cam=0.5,3,0.9,3")));
        assertMessage("camera id before '=' is empty", () -> AlertRules.parse(List.of("=0.9,3,0.5,3")));
    }

    static void assertMessage(String part, org.junit.jupiter.api.function.Executable e) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
        assertTrue(x.getMessage().contains(part), x.getMessage());
    }

    @Test
    void alertAndItsStateUseFlinksPojoSerializer() {
        assertInstanceOf(PojoTypeInfo.class, TypeInformation.of(Alert.class));
        assertInstanceOf(PojoTypeInfo.class, TypeInformation.of(AlertFunction.Track.class));
    }
}
