package org.iefvad.job.cli;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.iefvad.job.CommittedRecords;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "read", mixinStandardHelpOptions = true,
        description = "Print what is committed in a scores, alerts or dead-letter topic, one JSON record per line, "
                + "as a read_committed consumer sees it (from the beginning up to now), then exit.")
public final class ReadCommand implements Callable<Integer> {
    @Option(names = "--bootstrap", required = true, paramLabel = "<host:port>", description = "Kafka brokers")
    String bootstrap;

    @Option(names = "--topic", required = true, paramLabel = "<topic>", description = "the topic to read")
    String topic;

    @Option(names = "--timeout-s", defaultValue = "30", paramLabel = "<n>", description = "give up after this long (default: ${DEFAULT-VALUE})")
    long timeoutS;

    @Override
    public Integer call() {
        if (timeoutS < 1) {
            throw new IllegalArgumentException("--timeout-s must be >= 1, got " + timeoutS);
        }
        List<ConsumerRecord<byte[], byte[]>> records = CommittedRecords.read(bootstrap, topic, Duration.ofSeconds(timeoutS));
        for (ConsumerRecord<byte[], byte[]> r : records) {
            System.out.println(r.value() == null ? "null" : new String(r.value(), StandardCharsets.UTF_8));
        }
        System.err.println("iefvad read: " + records.size() + " committed records in " + topic);
        return 0;
    }
}
