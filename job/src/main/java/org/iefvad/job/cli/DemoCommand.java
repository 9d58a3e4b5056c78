package org.iefvad.job.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.iefvad.job.InProcessKafka;
import org.iefvad.job.KafkaJob;
import org.iefvad.job.StreamSettings;
import org.iefvad.model.FrameReader;
import org.iefvad.operators.FrameRecordFormat.ImageFormat;
import org.iefvad.operators.ModelEncoderFactory;
import org.iefvad.operators.AlertRules;
import org.iefvad.operators.ModelRef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the streaming job on vtest.avi (Debian package opencv-doc) with the bundled model and print the scores.",
            "With --kafka: start a single-node Kafka broker in this process, publish three sample videos as three "
                    + "cameras, run the Kafka job bounded, and print the committed scores and alerts (read back "
                    + "with read_committed) as JSON lines."})
public final class DemoCommand implements Callable<Integer> {
    public static final Path VTEST = Path.of("/usr/share/doc/opencv-doc/examples/data/vtest.avi");
    static final Path DATA = Path.of("/usr/share/doc/opencv-doc/examples/data");

    @Option(names = "--video", paramLabel = "<file>", description = "video to use instead of vtest.avi")
    Path video;

    @Option(names = "--kafka", description = "the Kafka job on an in-process broker, three cameras")
    boolean kafka;

    @Option(names = "--limit", paramLabel = "<n>", description = "with --kafka: frames per camera at most (default: all)")
    Long limit;

    @Option(names = "--alert-rule", paramLabel = "[<camera>=]<high>,<k>,<low>,<m>",
            description = "with --kafka: alert rule as in run (default: 0.9,3,0.5,3); repeatable")
    List<String> alertRules = new java.util.ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (video != null && !Files.isRegularFile(video)) {
            throw new IllegalArgumentException("--video " + video + ": no such file");
        }
        if (kafka) {
            return kafkaDemo();
        }
        if (limit != null || !alertRules.isEmpty()) {
            throw new IllegalArgumentException("--limit and --alert-rule are for demo --kafka");
        }
        Path v = video != null ? video : VTEST;
        if (!Files.isRegularFile(v)) {
            System.err.println("iefvad demo: " + v + " is missing. It comes with Debian's opencv-doc package:\n"
                    + "  sudo apt-get install -y opencv-doc\n"
                    + "or pass another video: ./iefvad demo --video <file>");
            return 1;
        }
        System.err.println("iefvad demo: scoring " + v + " with the bundled model (one JSON line per 16-frame segment)");
        return RunCommand.run(v, "vtest", ModelRef.bundled(), "-", null, 2000, null);
    }

    private int kafkaDemo() throws Exception {
        if (limit != null && limit < 1) {
            throw new IllegalArgumentException("--limit must be >= 1, got " + limit);
        }
        // before the broker starts and frames go out, not after
        AlertRules rules = AlertRules.parse(alertRules);
        Map<String, Path> cams = new LinkedHashMap<>();
        cams.put("vtest", video != null ? video : VTEST);
        cams.put("megamind", DATA.resolve("Megamind.avi"));
        cams.put("tree", DATA.resolve("tree.avi"));
        for (Path p : cams.values()) {
            if (!Files.isRegularFile(p)) {
                System.err.println("iefvad demo: " + p + " is missing. It comes with Debian's opencv-doc package:\n"
                        + "  sudo apt-get install -y opencv-doc");
                return 1;
            }
            // a file that is not a video fails here, before the broker starts
            try (FrameReader r = FrameReader.open(p)) {
                if (r.next() == null) {
                    throw new IllegalArgumentException(p + ": no frames");
                }
            }
        }
        System.err.println("iefvad demo: starting a single-node Kafka broker in this process");
        try (InProcessKafka broker = InProcessKafka.start()) {
            String bootstrap = broker.bootstrap();
            for (Map.Entry<String, Path> e : cams.entrySet()) {
                long sent = PublishCommand.publish(e.getValue(), e.getKey(), bootstrap, "demo-frames", null,
                        ImageFormat.JPEG, limit == null ? Long.MAX_VALUE : limit, 2);
                System.err.println("iefvad demo: published " + sent + " frames of " + e.getValue() + " as camera "
                        + e.getKey());
            }
            KafkaJob.Settings k = new KafkaJob.Settings(bootstrap, "demo-frames", "demo-scores", "demo-dead-letters",
                    "iefvad-demo", "iefvad-demo", 60_000, true, 2);
            ModelRef model = ModelRef.bundled();
            Path cp = Files.createTempDirectory("iefvad-demo").resolve("checkpoints");
            long t0 = System.nanoTime();
            KafkaJob.run(k, model, new ModelEncoderFactory(model), cp, Duration.ofMillis(1000), 2,
                    StreamSettings.defaults(), new KafkaJob.Alerts("demo-alerts", rules));
            System.err.printf("iefvad demo: job done in %.1f s; committed scores, then alerts (read_committed) follow%n",
                    (System.nanoTime() - t0) / 1e9);
            List<ConsumerRecord<byte[], byte[]>> scores = readCommitted(bootstrap, "demo-scores");
            for (ConsumerRecord<byte[], byte[]> r : scores) {
                System.out.println(new String(r.value(), StandardCharsets.UTF_8));
            }
            List<ConsumerRecord<byte[], byte[]>> alerts = readCommitted(bootstrap, "demo-alerts");
            for (ConsumerRecord<byte[], byte[]> r : alerts) {
                System.out.println(new String(r.value(), StandardCharsets.UTF_8));
            }
            System.out.flush();
            System.err.println("iefvad demo: " + scores.size() + " scores, " + alerts.size() + " alert records, "
                    + readCommitted(bootstrap, "demo-dead-letters").size() + " dead letters");
        }
        return 0;
    }

    /** Everything committed in {@code topic} up to its end offsets now. */
    static List<ConsumerRecord<byte[], byte[]>> readCommitted(String bootstrap, String topic) {
        return org.iefvad.job.CommittedRecords.read(bootstrap, topic, Duration.ofSeconds(60));
    }
}
