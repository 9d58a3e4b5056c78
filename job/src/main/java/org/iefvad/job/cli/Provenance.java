package org.iefvad.job.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** The git commit of the working tree the command runs in (with -dirty when it has changes), when there is one. */
final class Provenance {
    private Provenance() {}

    static String commit() {
        try {
            Process p = new ProcessBuilder("git", "describe", "--always", "--dirty", "--abbrev=40").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return out;
            }
        } catch (IOException | InterruptedException e) {
            // not a git checkout: say so in the provenance instead of failing the training
        }
        return "unknown";
    }
}
