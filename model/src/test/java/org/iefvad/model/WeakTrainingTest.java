package org.iefvad.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WeakTrainingTest {

    @Test
    void choosesBestValidationAucThenEarliestSolvedStepThenCandidateOrder() {
        List<WeakTraining.Trial> t = List.of(
                new WeakTraining.Trial(4, 50, 1.0, 0.90, 0.001),
                new WeakTraining.Trial(4, 100, 1.0, 0.95, 0.2),
                new WeakTraining.Trial(4, 150, 1.0, 0.95, 0.005),
                new WeakTraining.Trial(4, 150, null, 0.95, 0.004),
                new WeakTraining.Trial(8, 200, 1.0, 0.95, 0.001));
        WeakTraining.Trial c = WeakTraining.choose(t);
        assertEquals(150, c.step());
        assertEquals(1.0, c.q());
        WeakTraining.Trial none = WeakTraining.choose(List.of(new WeakTraining.Trial(4, 50, null, 0.8, 0.5),
                new WeakTraining.Trial(4, 100, null, 0.8, 0.3)));
        assertEquals(100, none.step(), "no solved step: lowest BCE");
        assertNull(none.q());
    }

    @Test
    void milTrainingOnRealPed2VideosLowersTheLoss() throws Exception {
        Path root = SharedData.root().resolve("datasets/ucsd-ped2");
        WeakSplit split = WeakSplit.read(root.resolve("split.json"));
        CellStatisticsEncoder enc = new CellStatisticsEncoder(8, true, 10f);
        List<VideoEmbeddings> videos = new ArrayList<>();
        List<WeakSplit.Video> picked = List.of(split.train().get(0), split.train().get(1), split.train().get(6),
                split.train().get(7));
        for (WeakSplit.Video v : picked) {
            videos.add(VideoEmbeddings.extract(v.name(), root.resolve("frames").resolve(v.name()), enc));
        }
        Standardisation sx = Standardisation.fit(videos.stream().map(VideoEmbeddings::zx).toList());
        Standardisation se = Standardisation.fit(videos.stream().map(VideoEmbeddings::ze).toList());
        List<MilTrainer.Sample> samples = new ArrayList<>();
        for (int i = 0; i < videos.size(); i++) {
            samples.add(new MilTrainer.Sample(picked.get(i).name(), sx.apply(videos.get(i).zx()),
                    se.apply(videos.get(i).ze()), picked.get(i).abnormal()));
        }
        ModelConfig cfg = HeadInitializer.defaults(enc.embedDim(), ModelConfig.Attention.causal(4),
                new ModelConfig.Kalman(false, 0));
        try (FusionHead head = new FusionHead(HeadInitializer.initialize(cfg, 5))) {
            MilTrainer trainer = new MilTrainer(head, new MilTrainer.Config(40, 4, 1e-4, 0.01, new int[] {30}, 0.1, 4,
                    1, 1, 5));
            double before = trainer.validationLoss(samples);
            double[] losses = trainer.train(samples, null);
            double after = trainer.validationLoss(samples);
            assertEquals(40, losses.length);
            assertTrue(after < before, "MIL BCE on the training videos fell: " + before + " -> " + after);
        }
    }
}
