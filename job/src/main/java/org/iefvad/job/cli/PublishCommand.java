package org.iefvad.job.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.iefvad.model.FrameReader;
import org.iefvad.model.VideoFrame;
import org.iefvad.model.io.ImageFolderReader;
import org.iefvad.operators.FrameRecordFormat;
import org.iefvad.operators.FrameRecordFormat.ImageFormat;
import org.iefvad.operators.FrameSource;
import org.iefvad.operators.KafkaConnectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "publish", mixinStandardHelpOptions = true,
        description = "Publish a video (or a folder of frames) to a Kafka topic as frame records: key = camera id, "
                + "value = JPEG or PNG, headers frame.index and capture.time.ms (README, Kafka). Creates the topic "
                + "if missing; prints how many records it sent.")
public final class PublishCommand implements Callable<Integer> {
    @Option(names = "--source", required = true, paramLabel = "<video | folder>", description = "video file or folder of frames (name order)")
    Path source;

    @Option(names = "--camera", paramLabel = "<id>", description = "camera id, the record key (default: the source's file name without extension)")
    String camera;

    @Option(names = "--bootstrap", required = true, paramLabel = "<host:port>", description = "Kafka brokers")
    String bootstrap;

    @Option(names = "--topic", required = true, paramLabel = "<frames>", description = "frames topic")
    String topic;

    @Option(names = "--fps", paramLabel = "<n>", description = "send at this rate (default: as fast as possible); capture times follow it too")
    Double fps;

    @Option(names = "--format", defaultValue = "auto", paramLabel = "auto|jpeg|png",
            description = "image encoding; auto: a folder's JPEG and PNG files go as they are (their own bytes), "
                    + "video frames as JPEG (default: ${DEFAULT-VALUE})")
    String format;

    @Option(names = "--jpeg-quality", defaultValue = "0.95", paramLabel = "<0..1>",
            description = "quality of the JPEG frames it encodes; lower quality raises the bundled model's scores "
                    + "(README, Kafka) (default: ${DEFAULT-VALUE})")
    float jpegQuality;

    @Option(names = "--limit", paramLabel = "<n>", description = "send at most this many frames")
    Long limit;

    @Option(names = "--partitions", defaultValue = "1", description = "partitions if the topic is created (default: ${DEFAULT-VALUE})")
    int partitions;

    @Override
    public Integer call() throws Exception {
        if (fps != null && !(fps > 0)) {
            throw new IllegalArgumentException("--fps must be positive, got " + fps);
        }
        if (limit != null && limit < 0) {
            throw new IllegalArgumentException("--limit must be >= 0, got " + limit);
        }
        if (!(jpegQuality > 0 && jpegQuality <= 1)) {
            throw new IllegalArgumentException("--jpeg-quality must be in (0, 1], got " + jpegQuality);
        }
        String cam = camera != null ? camera : RunCommand.stem(source.getFileName().toString());
        if (cam.isBlank()) {
            throw new IllegalArgumentException("--camera must not be empty: the camera id is the record key, and "
                    + "the job sets records without one aside as dead letters");
        }
        ImageFormat f;
        try {
            f = format.equalsIgnoreCase("auto") ? null : ImageFormat.parse(format);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--format must be auto, jpeg or png, got " + format);
        }
        long sent = publish(source, cam, bootstrap, topic, fps, f, jpegQuality,
                limit == null ? Long.MAX_VALUE : limit, partitions);
        System.out.println("iefvad publish: sent " + sent + " frames of camera " + cam + " to " + topic);
        return 0;
    }

    /**
     * Sends the frames and waits until the broker has acknowledged all of them. Capture times start
     * at the current wall-clock time and advance by 1000/fps per frame (the video's own rate when
     * not paced; {@link FrameSource#DEFAULT_FPS} for image folders).
     */
    public static long publish(Path source, String camera, String bootstrap, String topic, Double pacedFps,
            ImageFormat format, long limit, int partitions) throws Exception {
        return publish(source, camera, bootstrap, topic, pacedFps, format, FrameRecordFormat.JPEG_QUALITY, limit,
                partitions);
    }

    /**
     * As the other publish; {@code format} null sends the JPEG and PNG files of a folder as they are,
     * the way a camera sends its own JPEGs (re-encoding them adds a second round of JPEG noise), and
     * encodes everything else as JPEG at {@code jpegQuality}.
     */
    public static long publish(Path source, String camera, String bootstrap, String topic, Double pacedFps,
            ImageFormat format, float jpegQuality, long limit, int partitions) throws Exception {
        KafkaConnectors.ensureTopics(bootstrap, partitions, List.of(topic));
        Properties p = new Properties();
        p.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        // idempotence keeps retries from duplicating or reordering a camera's frames
        p.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.setProperty(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(8 << 20));
        long sent = 0;
        try (FrameReader r = FrameReader.open(source);
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                        new ByteArraySerializer())) {
            double fps = pacedFps != null ? pacedFps : r.fps() > 0 ? r.fps() : FrameSource.DEFAULT_FPS;
            long start = System.currentTimeMillis();
            long t0 = System.nanoTime();
            AtomicReference<Exception> failed = new AtomicReference<>();
            VideoFrame f;
            while (sent < limit && (f = r.next()) != null) {
                long offsetMs = Math.round(f.index() * 1000.0 / fps);
                if (pacedFps != null) {
                    long waitMs = offsetMs - (System.nanoTime() - t0) / 1_000_000;
                    if (waitMs > 0) {
                        Thread.sleep(waitMs);
                    }
                }
                byte[] image = format == null && r instanceof ImageFolderReader folder && keepsBytes(folder.lastFile())
                        ? folder.lastFileBytes()
                        : FrameRecordFormat.encodeImage(f, format == null ? ImageFormat.JPEG : format, jpegQuality);
                producer.send(FrameRecordFormat.encode(topic, camera, f, start + offsetMs, image), (md, e) -> {
                    if (e != null) {
                        failed.compareAndSet(null, e);
                    }
                });
                if (failed.get() != null) {
                    break;
                }
                sent++;
            }
            producer.flush();
            if (failed.get() != null) {
                throw new IllegalStateException("sending to " + topic + " at " + bootstrap + " failed: "
                        + failed.get().getMessage(), failed.get());
            }
        }
        return sent;
    }

    /** The job reads JPEG and PNG (README, Kafka); other images are re-encoded. */
    static boolean keepsBytes(Path file) {
        String n = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png");
    }
}
