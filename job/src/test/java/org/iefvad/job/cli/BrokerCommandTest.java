package org.iefvad.job.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.iefvad.job.CommittedRecords;
import org.iefvad.operators.FrameRecordFormat.ImageFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code iefvad broker}: a broker that stays up for publish and run --bootstrap, then goes away. */
class BrokerCommandTest {
    @Test
    @Timeout(120)
    void theBrokerServesUntilStoppedAndPrintsItsAddressFirst() throws Exception {
        PipedInputStream in = new PipedInputStream();
        PrintStream out = new PrintStream(new PipedOutputStream(in), true, StandardCharsets.UTF_8);
        CountDownLatch stop = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread broker = new Thread(() -> {
            try {
                BrokerCommand.serve(out, null, stop);
            } catch (Throwable t) {
                failure.set(t);
            } finally {
                out.close();
            }
        });
        broker.start();
        BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String bootstrap = lines.readLine();
        assertTrue(bootstrap != null && bootstrap.matches("localhost:\\d+"), "first line is the address: " + bootstrap);

        Path video = Path.of(System.getProperty("iefvad.shared"), "datasets/ucsd-ped2/frames/testing/01");
        assertEquals(16, PublishCommand.publish(video, "cam", bootstrap, "frames", null, ImageFormat.JPEG, 16, 1));
        assertEquals(16, CommittedRecords.read(bootstrap, "frames", Duration.ofSeconds(30)).size());
        assertTrue(broker.isAlive(), "still serving after a client came and went");

        stop.countDown();
        broker.join(60_000);
        assertFalse(broker.isAlive(), "stopped when asked");
        assertNull(failure.get());
        assertNull(lines.readLine(), "nothing printed after the address");
    }
}
