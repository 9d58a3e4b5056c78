package org.iefvad.job.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.iefvad.operators.ModelRef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the streaming job on vtest.avi (Debian package opencv-doc) with the bundled model and print the scores.")
public final class DemoCommand implements Callable<Integer> {
    public static final Path VTEST = Path.of("/usr/share/doc/opencv-doc/examples/data/vtest.avi");

    @Option(names = "--video", paramLabel = "<file>", description = "video to use instead of vtest.avi")
    Path video;

    @Override
    public Integer call() throws Exception {
        Path v = video != null ? video : VTEST;
        if (!Files.isRegularFile(v)) {
            System.err.println("iefvad demo: " + v + " is missing. It comes with Debian's opencv-doc package:\n"
                    + "  sudo apt-get install -y opencv-doc\n"
                    + "or pass another video: ./iefvad demo --video <file>");
            return 1;
        }
        System.err.println("iefvad demo: scoring " + v + " with the bundled model (one JSON line per 16-frame segment)");
        return RunCommand.run(v, "vtest", ModelRef.bundled(), "-", null, 2000, null);
    }
}
