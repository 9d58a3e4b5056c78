package org.iefvad.job.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.iefvad.job.InProcessKafka;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "broker", mixinStandardHelpOptions = true,
        description = {"Start a single-node Kafka broker (KRaft, Kafka's own server code) in this process and keep it "
                + "running, to try publish and run --bootstrap without installing Kafka. Prints its bootstrap "
                + "address as the first line on standard output. Its data is temporary: it is deleted when the "
                + "broker stops (Ctrl-C, or after --for-seconds)."})
public final class BrokerCommand implements Callable<Integer> {
    @Option(names = "--for-seconds", paramLabel = "<n>", description = "stop after this many seconds (default: run until stopped)")
    Long forSeconds;

    @Override
    public Integer call() throws Exception {
        if (forSeconds != null && forSeconds < 1) {
            throw new IllegalArgumentException("--for-seconds must be >= 1, got " + forSeconds);
        }
        serve(System.out, forSeconds == null ? null : Duration.ofSeconds(forSeconds), new CountDownLatch(1));
        return 0;
    }

    /**
     * Starts the broker, prints its address on {@code out}, and returns when {@code stop} opens or
     * {@code limit} (null: none) has passed, or at JVM shutdown.
     */
    public static void serve(PrintStream out, Duration limit, CountDownLatch stop) throws Exception {
        try (InProcessKafka kafka = InProcessKafka.start()) {
            Thread hook = new Thread(stop::countDown, "iefvad-broker-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            out.println(kafka.bootstrap());
            out.flush();
            System.err.println("iefvad broker: Kafka at " + kafka.bootstrap() + " in this process"
                    + (limit == null ? "; Ctrl-C stops it" : " for " + limit.toSeconds() + " s")
                    + " and deletes its data");
            if (limit == null) {
                stop.await();
            } else {
                stop.await(limit.toMillis(), TimeUnit.MILLISECONDS);
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is going down already; closing the broker is all that is left to do
            }
        }
    }
}
