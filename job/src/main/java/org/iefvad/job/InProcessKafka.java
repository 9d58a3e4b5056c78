package org.iefvad.job;

import java.io.PrintStream;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real single-node KRaft broker (Kafka's own server code, combined broker and controller) in
 * this JVM, for {@code bench --kafka} and demos where no broker is at hand. Its log folders are
 * temporary and go away on close. Replication factors are 1 because there is one node, which the
 * transaction log needs for exactly-once sinks.
 */
public final class InProcessKafka implements AutoCloseable {
    private final KafkaClusterTestKit kit;

    private InProcessKafka(KafkaClusterTestKit kit) {
        this.kit = kit;
    }

    public static InProcessKafka start() throws Exception {
        // the kit prints its formatting steps to standard output, which belongs to the JSON lines
        PrintStream stdout = System.out;
        System.setOut(System.err);
        try {
            return startQuietly();
        } finally {
            System.setOut(stdout);
        }
    }

    private static InProcessKafka startQuietly() throws Exception {
        KafkaClusterTestKit kit = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder().setCombined(true)
                        .setNumBrokerNodes(1).setNumControllerNodes(1).build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                // frames of large videos as JPEG stay well below this, PNG may not
                .setConfigProp("message.max.bytes", Integer.toString(8 << 20))
                .build();
        try {
            kit.format();
            kit.startup();
            kit.waitForReadyBrokers();
        } catch (Exception e) {
            kit.close();
            throw e;
        }
        return new InProcessKafka(kit);
    }

    public String bootstrap() {
        return kit.bootstrapServers();
    }

    @Override
    public void close() throws Exception {
        kit.close();
    }
}
