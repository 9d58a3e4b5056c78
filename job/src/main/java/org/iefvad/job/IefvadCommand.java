package org.iefvad.job;

import java.util.concurrent.Callable;
import org.iefvad.job.cli.BenchCommand;
import org.iefvad.job.cli.BrokerCommand;
import org.iefvad.job.cli.DemoCommand;
import org.iefvad.job.cli.EvalCommand;
import org.iefvad.job.cli.PublishCommand;
import org.iefvad.job.cli.ReadCommand;
import org.iefvad.job.cli.RunCommand;
import org.iefvad.job.cli.ScoreCommand;
import org.iefvad.job.cli.TrainCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code iefvad} command line. */
@Command(name = "iefvad", mixinStandardHelpOptions = true, version = "iefvad 0.1.0",
        description = "IEF-VAD Stream: uncertainty-weighted image-event fusion for video anomaly detection on Flink.",
        subcommands = {DemoCommand.class, RunCommand.class, PublishCommand.class, TrainCommand.class, EvalCommand.class, ScoreCommand.class,
                BenchCommand.class, BrokerCommand.class, ReadCommand.class})
public final class IefvadCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 0;
    }

    public static void main(String[] args) {
        int rc = execute(args);
        if (ClusterExecution.active()) {
            // Under a Flink client (application mode runs main() inside the JobManager), exiting
            // would take the client or the JobManager down with it: report a failure instead.
            if (rc != 0) {
                throw new IllegalStateException("iefvad " + String.join(" ", args) + " failed with exit code " + rc
                        + "; the error is printed above");
            }
            return;
        }
        System.exit(rc);
    }

    /** Runs a command line; errors print one clear line (the input and what was wrong), no stack trace. */
    public static int execute(String... args) {
        // DJL must never call home or download: the libtorch binary comes from the Maven artifact.
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("java.awt.headless", "true");
        // Kafka's server artifacts bring a log4j2.yaml that log4j's status logger reports as an
        // ERROR on every in-process broker start, although logging goes through slf4j-simple
        System.setProperty("log4j2.statusLoggerLevel", "OFF");
        org.iefvad.job.cli.CommandLines.set(args);
        CommandLine cl = new CommandLine(new IefvadCommand());
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            Throwable root = rootCause(ex);
            commandLine.getErr().println("iefvad " + commandLine.getCommandName() + ": error: " + message(root));
            if (Boolean.getBoolean("iefvad.debug")) {
                ex.printStackTrace(commandLine.getErr());
            }
            return 2;
        });
        return cl.execute(args);
    }

    static Throwable rootCause(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c
                && (c.getMessage() == null || c.getClass().getName().startsWith("org.apache.flink")
                        || c instanceof java.util.concurrent.ExecutionException
                        // "Failed to create new KafkaAdminClient": the cause names the bad bootstrap
                        || (c instanceof org.apache.kafka.common.KafkaException
                                && c.getCause() instanceof org.apache.kafka.common.config.ConfigException)
                        || c instanceof java.util.concurrent.CompletionException)) {
            c = c.getCause();
        }
        return c;
    }

    static String message(Throwable t) {
        if (t instanceof java.nio.file.FileSystemException f) {
            // their message is often the bare path: say what went wrong with it
            String why = f.getReason() != null ? f.getReason()
                    : t instanceof java.nio.file.NoSuchFileException ? "no such file or folder"
                    : t instanceof java.nio.file.AccessDeniedException ? "permission denied"
                    : t instanceof java.nio.file.FileAlreadyExistsException ? "already exists"
                    : t.getClass().getSimpleName();
            return "cannot use " + f.getFile() + (f.getOtherFile() != null ? " -> " + f.getOtherFile() : "") + ": " + why;
        }
        String m = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
        // Jackson appends a source-location line that says nothing to a user
        int nl = m.indexOf('\n');
        return nl > 0 ? m.substring(0, nl) : m;
    }
}
