package org.iefvad.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.ClientUtils;
import org.apache.flink.client.deployment.executors.RemoteExecutor;
import org.apache.flink.client.program.PackagedProgram;
import org.apache.flink.client.program.ProgramInvocationException;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.DefaultExecutorServiceLoader;
import org.apache.flink.runtime.client.JobStatusMessage;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.iefvad.job.cli.PublishCommand;
import org.iefvad.operators.FrameRecordFormat.ImageFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code iefvad run --bootstrap ...} handed to a Flink cluster the way {@code flink run} and
 * application mode hand it: Flink's client runs {@code IefvadCommand.main} with a context
 * environment, and the job graph goes over REST to a cluster that runs apart from the program
 * (a MiniCluster here, with its own task manager and slots). The job must run there, not in a
 * MiniCluster of its own, and main() must not exit the JVM it shares with the client.
 */
@Timeout(180)
class ClusterSubmissionTest {
    static KafkaClusterTestKit kafka;
    static MiniCluster cluster;
    static URI rest;

    @BeforeAll
    static void start() throws Exception {
        kafka = KafkaJobTest.newBroker();
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_PORT, "0");
        cluster = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(conf).setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(2).build());
        cluster.start();
        rest = cluster.getRestAddress().get();
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    /** Runs the command line through Flink's client against the cluster's REST endpoint, as {@code flink run} does. */
    static void flinkRun(String... args) throws Exception {
        Configuration client = new Configuration();
        client.set(DeploymentOptions.TARGET, RemoteExecutor.NAME);
        client.set(DeploymentOptions.ATTACHED, true);
        client.set(RestOptions.ADDRESS, rest.getHost());
        client.set(RestOptions.PORT, rest.getPort());
        PackagedProgram program = PackagedProgram.newBuilder().setEntryPointClassName(IefvadCommand.class.getName())
                .setArguments(args).setConfiguration(client).build();
        try {
            ClientUtils.executeProgram(new DefaultExecutorServiceLoader(), client, program, false, false);
        } finally {
            program.close();
        }
    }

    @Test
    void runGoesToTheClusterOfTheFlinkClientAndCommitsEverySegmentOnce(@TempDir Path tmp) throws Exception {
        String bootstrap = kafka.bootstrapServers();
        assertEquals(40, PublishCommand.publish(KafkaJobTest.ped2("testing", "01"), "cam-a", bootstrap, "cs-frames",
                null, ImageFormat.JPEG, 40, 1));
        assertEquals(20, PublishCommand.publish(KafkaJobTest.ped2("testing", "02"), "cam-b", bootstrap, "cs-frames",
                null, ImageFormat.JPEG, 20, 1));
        Path checkpoints = tmp.resolve("cp");
        Collection<JobStatusMessage> before = cluster.listJobs().get();

        flinkRun("run", "--bootstrap", bootstrap, "--frames-topic", "cs-frames", "--scores-topic", "cs-scores",
                "--dead-letter-topic", "cs-dead", "--checkpoints", checkpoints.toUri().toString(), "--bounded",
                "--checkpoint-interval-ms", "500");

        List<JobStatusMessage> jobs = cluster.listJobs().get().stream().filter(j -> !before.contains(j)).toList();
        assertEquals(1, jobs.size(), "exactly one job was submitted to the cluster: " + jobs);
        assertEquals("iefvad run cs-frames -> cs-scores", jobs.get(0).getJobName());
        assertEquals(JobStatus.FINISHED, jobs.get(0).getJobState());
        assertTrue(Files.isDirectory(checkpoints.resolve(jobs.get(0).getJobId().toHexString())),
                "the cluster's job kept its checkpoints under the --checkpoints URI");

        Map<String, List<JsonNode>> scores = KafkaJobTest.byCamera(KafkaJobTest.readCommitted(bootstrap, "cs-scores"));
        KafkaJobTest.assertSegments("cam-a", scores.get("cam-a"), 40);
        KafkaJobTest.assertSegments("cam-b", scores.get("cam-b"), 20);
        assertTrue(KafkaJobTest.readCommitted(bootstrap, "cs-dead").isEmpty());
    }

    @Test
    void withoutCheckpointStorageTheSubmissionFailsAndSaysWhatIsMissing() throws Exception {
        String bootstrap = kafka.bootstrapServers();
        Collection<JobStatusMessage> before = cluster.listJobs().get();
        ProgramInvocationException e = assertThrows(ProgramInvocationException.class,
                () -> flinkRun("run", "--bootstrap", bootstrap, "--frames-topic", "cs2-frames", "--scores-topic",
                        "cs2-scores", "--dead-letter-topic", "cs2-dead", "--bounded"));
        String all = chain(e);
        assertTrue(all.contains("failed with exit code 2"), all);
        assertEquals(before.size(), cluster.listJobs().get().size(), "no job was submitted");
    }

    @Test
    void anInProcessRunRefusesCheckpointStorageItCannotUse() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> org.iefvad.job.cli.RunCommand.localFolder("s3://bucket/iefvad"));
        assertTrue(e.getMessage().contains("s3:// storage is for a job submitted to a Flink cluster"), e.getMessage());
        assertEquals(Path.of("/tmp/x"), org.iefvad.job.cli.RunCommand.localFolder("file:///tmp/x"));
        assertEquals(Path.of("rel/cp"), org.iefvad.job.cli.RunCommand.localFolder("rel/cp"));
        assertFalse(ClusterExecution.active(), "a plain test JVM has no Flink client context");
    }

    static String chain(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            b.append(c).append(" <- ");
        }
        return b.toString();
    }
}
