package org.iefvad.operators;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Writes each record as one JSON line with snake_case field names (SegmentScore gives camera,
 * segment, first_frame, last_frame, score, w_image, w_event, state_var, model). Target is a file
 * (replaced when the job starts) or standard output. Run it with parallelism 1: parallel writers
 * would share the file. Not transactional: after a restore lines may repeat.
 */
public final class JsonLinesSink<T> implements Sink<T> {
    private final String file;

    private JsonLinesSink(String file) {
        this.file = file;
    }

    public static <T> JsonLinesSink<T> toFile(Path file) {
        return new JsonLinesSink<>(file.toAbsolutePath().normalize().toString());
    }

    public static <T> JsonLinesSink<T> toStdout() {
        return new JsonLinesSink<>(null);
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
        if (file == null) {
            return new Lines<>(new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8)), false);
        }
        Path p = Path.of(file);
        if (p.getParent() != null) {
            Files.createDirectories(p.getParent());
        }
        return new Lines<>(Files.newBufferedWriter(p, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE), true);
    }

    static final class Lines<T> implements SinkWriter<T> {
        private static final ObjectMapper JSON =
                new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        private final Writer out;
        private final boolean owned;

        Lines(Writer out, boolean owned) {
            this.out = out;
            this.owned = owned;
        }

        @Override
        public void write(T element, Context context) throws IOException {
            out.write(JSON.writeValueAsString(element));
            out.write('\n');
        }

        @Override
        public void flush(boolean endOfInput) throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            if (owned) {
                out.close();
            } else {
                out.flush();
            }
        }
    }
}
