package org.iefvad.job;

import java.util.concurrent.Callable;
import org.iefvad.job.cli.BenchCommand;
import org.iefvad.job.cli.DemoCommand;
import org.iefvad.job.cli.EvalCommand;
import org.iefvad.job.cli.RunCommand;
import org.iefvad.job.cli.ScoreCommand;
import org.iefvad.job.cli.TrainCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code iefvad} command line. */
@Command(name = "iefvad", mixinStandardHelpOptions = true, version = "iefvad 0.1.0",
        description = "IEF-VAD Stream: uncertainty-weighted image-event fusion for video anomaly detection on Flink.",
        subcommands = {DemoCommand.class, RunCommand.class, TrainCommand.class, EvalCommand.class, ScoreCommand.class,
                BenchCommand.class})
public final class IefvadCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 0;
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command line; errors print one clear line (the input and what was wrong), no stack trace. */
    public static int execute(String... args) {
        // DJL must never call home or download: the libtorch binary comes from the Maven artifact.
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("java.awt.headless", "true");
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
                        || c instanceof java.util.concurrent.CompletionException)) {
            c = c.getCause();
        }
        return c;
    }

    private static String message(Throwable t) {
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }
}
