package org.iefvad.job.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.iefvad.job.CommittedRecords;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "read", mixinStandardHelpOptions = true,
        description = "Print what is committed in a scores, alerts or dead-letter topic, one JSON record per line, "
                + "as a read_committed consumer sees it (from the beginning up to now), then exit. A record that is "
                + "not text (a frame's image) is shown as its key, headers and size.")
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
            System.out.println(line(r));
        }
        System.err.println("iefvad read: " + records.size() + " committed records in " + topic);
        return 0;
    }

    /**
     * The record's value when it is text (the JSON of scores, alerts, dead letters); otherwise,
     * as for the images of a frames topic, one JSON line that describes it, so that a terminal
     * gets no raw bytes.
     */
    static String line(ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null) {
            return "null";
        }
        String text = utf8(r.value());
        if (text != null && text.chars().noneMatch(c -> c < 0x20 && c != '\t' && c != '\n' && c != '\r')) {
            return text;
        }
        ObjectNode n = JSON.createObjectNode();
        n.put("origin", r.topic() + "-" + r.partition() + "@" + r.offset());
        n.put("key", r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8));
        ObjectNode headers = n.putObject("headers");
        for (Header h : r.headers()) {
            headers.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
        }
        n.put("value_bytes", r.value().length);
        return n.toString();
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String utf8(byte[] b) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
