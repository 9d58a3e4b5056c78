package org.iefvad.job.cli;

import java.util.List;

/** The arguments of the running command, for provenance. */
public final class CommandLines {
    private static volatile List<String> current = List.of();

    private CommandLines() {}

    public static void set(String[] args) {
        current = List.of(args);
    }

    public static List<String> current() {
        return current;
    }
}
