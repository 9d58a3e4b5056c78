package org.iefvad.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.iefvad.model.FloatTensor;
import org.iefvad.model.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The iefvad commands as a user types them: outputs, exit codes and error messages. */
class CommandLineTest {
    record Outcome(int code, String out, String err) {}

    static synchronized Outcome iefvad(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = IefvadCommand.execute(args);
            return new Outcome(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    static Path golden(String name) {
        return StreamingJobTest.shared().resolve("golden").resolve(name);
    }

    /** Kafka-mode mistakes that are caught before any broker is contacted (localhost:1 answers nothing). */
    @Test
    void kafkaModeMistakesFailAtOnceAndSayWhat(@TempDir Path tmp) throws Exception {
        Path cp = tmp.resolve("cp");
        Files.createDirectories(cp.resolve("0123abcd/chk-7"));
        Files.writeString(cp.resolve("0123abcd/chk-7/_metadata"), "a completed checkpoint");
        Outcome bounded = iefvad("run", "--bootstrap", "localhost:1", "--frames-topic", "f", "--scores-topic", "s",
                "--dead-letter-topic", "d", "--checkpoints", cp.toString(), "--bounded");
        assertEquals(2, bounded.code());
        assertTrue(bounded.err().contains("--bounded cannot resume from the checkpoint in " + cp + " (chk-7)"),
                bounded.err());

        Outcome damaged = iefvad("run", "--bootstrap", "localhost:1", "--frames-topic", "f", "--scores-topic", "s",
                "--dead-letter-topic", "d", "--checkpoints", cp.toString());
        assertEquals(2, damaged.code());
        assertTrue(damaged.err().contains("cannot resume: the newest checkpoint's "
                + cp.resolve("0123abcd/chk-7/_metadata").toAbsolutePath() + " is damaged ("), damaged.err());
        assertTrue(damaged.err().contains("give a new --checkpoints folder"), damaged.err());
        assertEquals(1, damaged.err().lines().count(), "one line, no stack trace: " + damaged.err());

        Outcome loop = iefvad("run", "--bootstrap", "localhost:1", "--frames-topic", "x", "--scores-topic", "x",
                "--dead-letter-topic", "d", "--checkpoints", tmp.resolve("cp3").toString());
        assertEquals(2, loop.code());
        assertTrue(loop.err().contains("must all be different topics, got x, x, d"), loop.err());

        Outcome noModel = iefvad("run", "--bootstrap", "localhost:1", "--frames-topic", "f", "--scores-topic", "s",
                "--dead-letter-topic", "d", "--checkpoints", tmp.resolve("cp4").toString(), "--model",
                tmp.resolve("no-model").toString());
        assertEquals(2, noModel.code());
        assertTrue(noModel.err().contains("model folder " + tmp.resolve("no-model") + " does not exist"), noModel.err());

        Outcome noCamera = iefvad("publish", "--source", tmp.toString(), "--camera", "", "--bootstrap", "localhost:1",
                "--topic", "f");
        assertEquals(2, noCamera.code());
        assertTrue(noCamera.err().contains("--camera must not be empty"), noCamera.err());

        Outcome noVideo = iefvad("demo", "--kafka", "--video", tmp.resolve("nope.avi").toString());
        assertEquals(2, noVideo.code());
        assertTrue(noVideo.err().contains("--video " + tmp.resolve("nope.avi") + ": no such file"), noVideo.err());

        Outcome noGap = iefvad("run", "--bootstrap", "localhost:1", "--frames-topic", "f", "--scores-topic", "s",
                "--dead-letter-topic", "d", "--checkpoints", tmp.resolve("cp5").toString(), "--camera-gap-ms", "0");
        assertEquals(2, noGap.code());
        assertTrue(noGap.err().contains("--camera-gap-ms must be at least 1, got 0"), noGap.err());
        Outcome shortTtl = iefvad("run", "--bootstrap", "localhost:1", "--frames-topic", "f", "--scores-topic", "s",
                "--dead-letter-topic", "d", "--checkpoints", tmp.resolve("cp5").toString(), "--state-ttl-ms", "10");
        assertEquals(2, shortTtl.code());
        assertTrue(shortTtl.err().contains("--state-ttl-ms 10 must be at least --camera-gap-ms 60000"), shortTtl.err());

        Outcome fileDemoLimit = iefvad("demo", "--limit", "5");
        assertEquals(2, fileDemoLimit.code());
        assertTrue(fileDemoLimit.err().contains("--limit and --alert-rule are for demo --kafka"), fileDemoLimit.err());

        Path file = Files.writeString(tmp.resolve("cp-file"), "not a folder");
        Outcome notAFolder = iefvad("run", "--bootstrap", "localhost:1", "--frames-topic", "f", "--scores-topic", "s",
                "--dead-letter-topic", "d", "--checkpoints", file.toString());
        assertEquals(2, notAFolder.code());
        assertTrue(notAFolder.err().contains("--checkpoints " + file + " is a file; it must be a folder"),
                notAFolder.err());

        Outcome tooWide = iefvad("run", "--bootstrap", "localhost:1", "--frames-topic", "f", "--scores-topic", "s",
                "--dead-letter-topic", "d", "--checkpoints", tmp.resolve("cp2").toString(), "--parallelism", "1000");
        assertEquals(2, tooWide.code());
        assertTrue(tooWide.err().contains("--parallelism 1000 is more than an in-process run takes"), tooWide.err());

        Outcome garbage = iefvad("read", "--bootstrap", "garbage", "--topic", "s");
        assertEquals(2, garbage.code());
        assertTrue(garbage.err().contains("iefvad read: error: Invalid url in bootstrap.servers: garbage"), garbage.err());

        Outcome silent = iefvad("read", "--bootstrap", "localhost:1", "--topic", "s", "--timeout-s", "2");
        assertEquals(2, silent.code());
        assertTrue(silent.err().contains("cannot reach Kafka at localhost:1: no answer within 2000 ms"), silent.err());
    }

    @Test
    void scoreWritesEveryOutputOfTheGoldenStreamingCase(@TempDir Path tmp) throws Exception {
        Path g = golden("head_studentt_kalman_causal");
        Outcome r = iefvad("score", "--model", g.toString(), "--zx", g.resolve("inputs/zx.npy").toString(), "--ze",
                g.resolve("inputs/ze.npy").toString(), "--out", tmp.toString());
        assertEquals(0, r.code(), r.err());
        for (String name : new String[] {"mu_x", "mu_e", "logvar_x", "logvar_e", "w_x", "w_e", "fused", "state_var",
                "refined", "logits", "prob"}) {
            FloatTensor want = Npy.readFloat(g.resolve("expected/" + name + ".npy"));
            FloatTensor got = Npy.readFloat(tmp.resolve(name + ".npy"));
            assertArrayEquals(want.shape(), got.shape(), name);
            for (int i = 0; i < want.data().length; i++) {
                assertEquals(want.data()[i], got.data()[i], 1e-4 + 1e-4 * Math.abs(want.data()[i]), name + "[" + i + "]");
            }
        }
    }

    @Test
    void badInputsGiveOneClearLineNamingTheInput(@TempDir Path tmp) throws Exception {
        Path g = golden("head_studentt_kalman_causal");
        Outcome missingModel = iefvad("score", "--model", tmp.resolve("no-model").toString(), "--zx",
                g.resolve("inputs/zx.npy").toString(), "--ze", g.resolve("inputs/ze.npy").toString(), "--out",
                tmp.resolve("o").toString());
        assertEquals(2, missingModel.code());
        assertTrue(missingModel.err().contains("model folder " + tmp.resolve("no-model") + " does not exist"),
                missingModel.err());

        Path wrong = tmp.resolve("wrong.npy");
        Npy.write(wrong, new FloatTensor(new int[] {3, 5}, new float[15]));
        Outcome shape = iefvad("score", "--model", g.toString(), "--zx", wrong.toString(), "--ze",
                g.resolve("inputs/ze.npy").toString(), "--out", tmp.resolve("o").toString());
        assertEquals(2, shape.code());
        assertTrue(shape.err().contains(wrong + " has shape [3, 5], expected [T, 64]"), shape.err());

        Outcome missingVideo = iefvad("run", "--source", tmp.resolve("nothing.avi").toString());
        assertEquals(2, missingVideo.code());
        assertTrue(missingVideo.err().contains(tmp.resolve("nothing.avi").toString()), missingVideo.err());

        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Outcome emptyFolder = iefvad("run", "--source", empty.toString());
        assertEquals(2, emptyFolder.code());
        assertTrue(emptyFolder.err().contains(empty.toString()), emptyFolder.err());

        Path aFile = Files.writeString(tmp.resolve("a-file"), "x");
        Outcome cpIsFile = iefvad("run", "--source", StreamingJobTest.shared().resolve(
                "datasets/ucsd-ped2/frames/testing/01").toString(), "--checkpoints", aFile.toString());
        assertEquals(2, cpIsFile.code());
        assertTrue(cpIsFile.err().contains("cannot create the folder " + aFile.toAbsolutePath() + ": a file has that path"),
                cpIsFile.err());

        Outcome badDataset = iefvad("eval", "--dataset", "ped2", "--root", tmp.resolve("nope").toString());
        assertEquals(2, badDataset.code());
        assertTrue(badDataset.err().contains("dataset root " + tmp.resolve("nope") + " does not exist"), badDataset.err());
    }

    @Test
    void evalOfTheBundledModelBeatsTheEventDensityBaselineAndWritesReportAndTimelines(@TempDir Path tmp)
            throws Exception {
        Path report = tmp.resolve("report.json");
        Outcome r = iefvad("eval", "--dataset", "ped2", "--root",
                StreamingJobTest.shared().resolve("datasets/ucsd-ped2").toString(), "--report", report.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(report.toFile());
        double auc = j.get("auc").asDouble();
        // the training-free mean-event-density baseline gets 0.55 on these 6 test videos
        assertTrue(auc > 0.75, "fused frame AUC " + auc);
        assertTrue(j.get("ap").asDouble() > 0 && j.get("ap").asDouble() <= 1);
        assertEquals(6, j.get("videos").size());
        JsonNode first = j.get("videos").get(0);
        assertEquals(180, first.get("frame_scores").size(), "every frame gets a score, also a partial last segment");
        assertTrue(j.get("variants").toString().contains("image_only"));
        assertTrue(j.get("variants").toString().contains("event_only"));
        double baseline = Double.NaN;
        for (JsonNode v : j.get("variants")) {
            if (v.get("name").asText().equals("baseline_event_density")) {
                baseline = v.get("auc").asDouble();
            }
        }
        // the reference measured 0.55 for this baseline on the same 6 videos
        assertEquals(0.55, baseline, 0.02, "training-free event-density baseline");
        assertTrue(auc > baseline + 0.2, "trained model beats the baseline clearly: " + auc + " vs " + baseline);
        assertTrue(Files.size(tmp.resolve("report-plots/testing_01.png")) > 1000);
    }
}
