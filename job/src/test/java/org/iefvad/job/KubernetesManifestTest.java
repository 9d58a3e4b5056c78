package org.iefvad.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.client.program.StreamContextEnvironment;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.core.execution.DefaultExecutorServiceLoader;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.util.TimeUtils;
import org.iefvad.job.cli.RunCommand;
import org.iefvad.operators.AlertRules;
import org.iefvad.operators.FrameSource;
import org.iefvad.operators.JsonLinesSink;
import org.iefvad.operators.ModelEncoderFactory;
import org.iefvad.operators.ModelRef;
import org.iefvad.operators.SegmentScore;
import org.iefvad.operators.VideoInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * Keeps k8s/ honest against the code: the manifests' arguments are real {@code iefvad run}
 * options that parse and pass the command's own checks; the topics in topics.yaml are the topics
 * the manifests name; the broker's transaction.max.timeout.ms covers the sinks' transaction
 * timeout; the FlinkDeployment starts {@code IefvadCommand.main}, leaves to the cluster what the
 * cluster supplies (checkpoint storage, parallelism) and its flinkConfiguration does supply it,
 * with the settings the code sets; and UPGRADE.md's uid table lists exactly the uids and state
 * names in the code and in the job graphs the code builds.
 */
class KubernetesManifestTest {
    static final Path ROOT = repositoryRoot();
    static final Path K8S = ROOT.resolve("k8s");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** Options that only file mode (--source) takes, or that would end a production job. */
    static final Set<String> NOT_FOR_KAFKA = Set.of("--source", "--camera", "--out", "--dead-letters", "--alerts",
            "--bounded");
    static final List<String> KAFKA_REQUIRED = List.of("--bootstrap", "--frames-topic", "--scores-topic",
            "--dead-letter-topic");
    /**
     * Options whose value a FlinkDeployment states elsewhere: execution.checkpointing.dir and
     * spec.job.parallelism. Passing them as args too would give one setting two places to drift.
     */
    static final List<String> SUPPLIED_BY_THE_CLUSTER = List.of("--checkpoints", "--parallelism");
    static final String JAR_URI = "local:///opt/flink/usrlib/iefvad.jar";
    static final List<String> TOPIC_OPTIONS = List.of("--frames-topic", "--scores-topic", "--dead-letter-topic",
            "--alerts-topic");

    static Path repositoryRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !(Files.isDirectory(p.resolve("k8s")) && Files.isDirectory(p.resolve("operators")))) {
            p = p.getParent();
        }
        assertNotNull(p, "no folder above " + Path.of("").toAbsolutePath() + " holds k8s/ and operators/");
        return p;
    }

    static List<JsonNode> documents(String file) throws IOException {
        try (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(K8S.resolve(file).toFile())) {
            List<JsonNode> docs = new ArrayList<>();
            while (it.hasNext()) {
                JsonNode d = it.next();
                if (d != null && !d.isMissingNode() && !d.isNull()) {
                    docs.add(d);
                }
            }
            return docs;
        }
    }

    static JsonNode document(String file) throws IOException {
        List<JsonNode> docs = documents(file);
        assertEquals(1, docs.size(), file + ": one YAML document expected");
        return docs.get(0);
    }

    static List<String> strings(JsonNode array, String what) {
        assertTrue(array.isArray(), what + " is not a list");
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    static JsonNode flinkDeployment() throws IOException {
        JsonNode d = document("flink-deployment.yaml");
        assertEquals("flink.apache.org/v1beta1", d.path("apiVersion").asText());
        assertEquals("FlinkDeployment", d.path("kind").asText());
        return d;
    }

    static JsonNode singlePodContainer() throws IOException {
        JsonNode d = document("single-pod.yaml");
        assertEquals("StatefulSet", d.path("kind").asText());
        assertEquals(1, d.path("spec").path("replicas").asInt(), "one pod: two would share checkpoints and transactional ids");
        JsonNode containers = d.path("spec").path("template").path("spec").path("containers");
        assertEquals(1, containers.size(), "single-pod.yaml: one container expected");
        return containers.get(0);
    }

    /** The `iefvad run ...` argument lists of the manifests, by file. */
    static Map<String, List<String>> runArgs() throws IOException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        JsonNode job = flinkDeployment().path("spec").path("job");
        out.put("flink-deployment.yaml", strings(job.path("args"), "spec.job.args"));
        JsonNode c = singlePodContainer();
        List<String> command = strings(c.path("command"), "command");
        int jar = command.indexOf("-jar");
        assertTrue(jar >= 0 && jar + 1 < command.size() && command.get(jar + 1).equals("/opt/iefvad/iefvad.jar"),
                "single-pod.yaml: command does not run -jar /opt/iefvad/iefvad.jar: " + command);
        out.put("single-pod.yaml", strings(c.path("args"), "args"));
        return out;
    }

    static CommandSpec runSpec() {
        return new CommandLine(new IefvadCommand()).getSubcommands().get("run").getCommandSpec();
    }

    /** The value of {@code option} in {@code args}, or the run command's default for it. */
    static String value(List<String> args, String option) {
        ParseResult run = new CommandLine(new IefvadCommand()).parseArgs(args.toArray(String[]::new)).subcommand();
        OptionSpec spec = runSpec().findOption(option);
        assertNotNull(spec, option + " is not an option of iefvad run");
        if (run.hasMatchedOption(option)) {
            return run.matchedOption(option).stringValues().get(0);
        }
        return spec.defaultValue();
    }

    static ParseResult parseRun(List<String> args) {
        ParseResult run = new CommandLine(new IefvadCommand()).parseArgs(args.toArray(String[]::new)).subcommand();
        assertNotNull(run, "no subcommand in " + args);
        assertEquals("run", run.commandSpec().name());
        return run;
    }

    static List<String> values(List<String> args, String option) {
        ParseResult run = new CommandLine(new IefvadCommand()).parseArgs(args.toArray(String[]::new)).subcommand();
        return run.hasMatchedOption(option) ? run.matchedOption(option).stringValues() : List.of();
    }

    @Test
    void manifestArgumentsAreRealRunOptionsThatPassTheCommandsChecks() throws Exception {
        Set<String> known = new TreeSet<>(runSpec().optionsMap().keySet());
        for (Map.Entry<String, List<String>> e : runArgs().entrySet()) {
            String file = e.getKey();
            List<String> args = e.getValue();
            assertEquals("run", args.get(0), file + ": the args must start with the run subcommand");
            for (String a : args) {
                if (a.startsWith("--")) {
                    assertTrue(known.contains(a), file + ": " + a + " is not an option of iefvad run " + known);
                    assertFalse(NOT_FOR_KAFKA.contains(a), file + ": " + a + " is not for a production Kafka job");
                }
            }
            // picocli parses every value with the option's own type (unknown options and
            // non-numbers fail here)
            ParseResult run = parseRun(args);
            for (String o : KAFKA_REQUIRED) {
                assertTrue(run.hasMatchedOption(o), file + ": Kafka mode needs " + o);
            }
            // the checks RunCommand makes before it starts anything
            List<String> rules = values(args, "--alert-rule");
            AlertRules.parse(rules);
            assertTrue(rules.isEmpty() || run.hasMatchedOption("--alerts-topic"),
                    file + ": --alert-rule needs --alerts-topic in Kafka mode");
            if (file.equals("single-pod.yaml")) {
                // in-process: the checkpoints must be a local folder (s3:// is refused here), given
                // as an absolute path on the pod's volume, where the next pod finds them
                assertTrue(run.hasMatchedOption("--checkpoints"), file + ": an in-process run needs --checkpoints");
                Path folder = RunCommand.localFolder(value(args, "--checkpoints"));
                assertTrue(folder.isAbsolute(), file + ": --checkpoints " + folder + " is not an absolute path");
            }
            StreamSettings.defaults().withCameraGap(Long.parseLong(value(args, "--camera-gap-ms")),
                    Long.parseLong(value(args, "--state-ttl-ms")));
            new KafkaJob.Settings(value(args, "--bootstrap"), value(args, "--frames-topic"), value(args, "--scores-topic"),
                    value(args, "--dead-letter-topic"), value(args, "--group"), value(args, "--transactional-id-prefix"),
                    Long.parseLong(value(args, "--transaction-timeout-ms")), false,
                    Integer.parseInt(value(args, "--partitions")));
            if (run.hasMatchedOption("--parallelism")) {
                assertTrue(Integer.parseInt(value(args, "--parallelism")) >= 1, file + ": --parallelism");
            }
            assertTrue(Long.parseLong(value(args, "--checkpoint-interval-ms")) >= 1, file + ": --checkpoint-interval-ms");
            assertNotNull(value(args, "--transactional-id-prefix"),
                    file + ": set --transactional-id-prefix explicitly, it must stay the same across upgrades");
        }
    }

    @Test
    void bothManifestsRunTheSameJobIdentity() throws Exception {
        Map<String, List<String>> all = runArgs();
        List<String> a = all.get("flink-deployment.yaml");
        List<String> b = all.get("single-pod.yaml");
        // moving from one to the other must keep the group, the transactional ids and the topics
        for (String o : List.of("--group", "--transactional-id-prefix", "--frames-topic", "--scores-topic",
                "--dead-letter-topic", "--alerts-topic")) {
            assertEquals(value(a, o), value(b, o), o + " differs between flink-deployment.yaml and single-pod.yaml");
        }
    }

    @Test
    void topicsYamlHoldsExactlyTheTopicsTheManifestsUse() throws Exception {
        Map<String, JsonNode> topics = new TreeMap<>();
        for (JsonNode t : documents("topics.yaml")) {
            assertEquals("KafkaTopic", t.path("kind").asText());
            assertTrue(t.path("apiVersion").asText().startsWith("kafka.strimzi.io/"), t.path("apiVersion").asText());
            String name = t.path("spec").path("topicName").asText(t.path("metadata").path("name").asText());
            assertNull(topics.put(name, t), "topic " + name + " twice in topics.yaml");
            int replicas = t.path("spec").path("replicas").asInt();
            int minIsr = t.path("spec").path("config").path("min.insync.replicas").asInt(1);
            assertTrue(minIsr < replicas || replicas == 1,
                    name + ": min.insync.replicas " + minIsr + " leaves no room for a broker to be down (replicas " + replicas + ")");
        }
        for (Map.Entry<String, List<String>> e : runArgs().entrySet()) {
            Set<String> used = new TreeSet<>();
            for (String o : TOPIC_OPTIONS) {
                String v = value(e.getValue(), o);
                if (v != null) {
                    used.add(v);
                }
            }
            assertEquals(used, topics.keySet(), e.getKey() + " names other topics than topics.yaml");
        }
        String frames = value(runArgs().get("flink-deployment.yaml"), "--frames-topic");
        int partitions = topics.get(frames).path("spec").path("partitions").asInt();
        int parallelism = flinkDeployment().path("spec").path("job").path("parallelism").asInt();
        assertTrue(partitions >= parallelism,
                "frames topic has " + partitions + " partitions, fewer than the job's parallelism " + parallelism);
    }

    @Test
    void brokerTransactionTimeoutCoversTheSinksTimeout() throws Exception {
        JsonNode patch = document("kafka-broker-config.yaml");
        JsonNode max = patch.path("spec").path("kafka").path("config").path("transaction.max.timeout.ms");
        assertFalse(max.isMissingNode(), "kafka-broker-config.yaml: spec.kafka.config.transaction.max.timeout.ms is missing");
        long brokerMax = Long.parseLong(max.asText());
        long cliDefault = Long.parseLong(runSpec().findOption("--transaction-timeout-ms").defaultValue());
        assertTrue(brokerMax >= cliDefault, "broker transaction.max.timeout.ms " + brokerMax
                + " is below the run command's default --transaction-timeout-ms " + cliDefault);
        for (Map.Entry<String, List<String>> e : runArgs().entrySet()) {
            long sink = Long.parseLong(value(e.getValue(), "--transaction-timeout-ms"));
            long interval = Long.parseLong(value(e.getValue(), "--checkpoint-interval-ms"));
            assertTrue(brokerMax >= sink, e.getKey() + ": --transaction-timeout-ms " + sink
                    + " is above the broker's transaction.max.timeout.ms " + brokerMax);
            // a transaction stays open for at least one checkpoint interval (KafkaConnectors)
            assertTrue(sink > interval, e.getKey() + ": --transaction-timeout-ms " + sink
                    + " is not above --checkpoint-interval-ms " + interval);
        }
    }

    @Test
    void flinkConfigurationIsWhatTheCodeSets(@TempDir Path tmp) throws Exception {
        JsonNode spec = flinkDeployment().path("spec");
        JsonNode conf = spec.path("flinkConfiguration");
        List<String> args = strings(spec.path("job").path("args"), "spec.job.args");
        Duration interval = Duration.ofMillis(Long.parseLong(value(args, "--checkpoint-interval-ms")));
        // what `run --bootstrap` configures for an unbounded job, minus its local paths
        Map<String, String> code = new TreeMap<>(KafkaJob.configuration(tmp.resolve("cp"), interval, true).toMap());
        code.keySet().removeAll(Set.of("execution.checkpointing.dir", "state.backend.rocksdb.localdir",
                "execution.state-recovery.path"));
        assertFalse(code.isEmpty());
        // what `run --bootstrap` sets at job level when it is submitted to a cluster
        Map<String, String> cluster = ClusterExecution.configuration(null, interval).toMap();
        assertFalse(cluster.isEmpty());
        assertFalse(cluster.containsKey("execution.checkpointing.dir"), "no --checkpoints, no job-level checkpoint dir");
        for (Map.Entry<String, String> e : cluster.entrySet()) {
            String other = code.put(e.getKey(), e.getValue());
            if (other != null && e.getKey().endsWith("interval")) {
                assertEquals(TimeUtils.parseDuration(other), TimeUtils.parseDuration(e.getValue()),
                        e.getKey() + ": the in-process and the cluster configuration differ");
            } else if (other != null) {
                assertTrue(other.equalsIgnoreCase(e.getValue()), e.getKey() + ": in-process " + other + ", cluster "
                        + e.getValue());
            }
        }
        for (Map.Entry<String, String> e : code.entrySet()) {
            JsonNode v = conf.path(e.getKey());
            assertFalse(v.isMissingNode(), "flinkConfiguration lacks " + e.getKey() + " (the code sets " + e.getValue() + ")");
            String want = e.getValue();
            String got = v.asText();
            if (e.getKey().endsWith("interval") || e.getKey().endsWith("delay")) {
                assertEquals(TimeUtils.parseDuration(want), TimeUtils.parseDuration(got), e.getKey());
            } else {
                assertTrue(want.equalsIgnoreCase(got), e.getKey() + ": manifest " + got + ", code " + want);
            }
        }
        assertEquals("EXACTLY_ONCE", conf.path("execution.checkpointing.mode").asText());
        assertTrue(conf.path("execution.checkpointing.dir").asText().matches("(s3|gs|abfss?|hdfs|file)://.+"),
                "checkpoints need a durable URI, not " + conf.path("execution.checkpointing.dir"));
        assertTrue(conf.path("execution.checkpointing.savepoint-dir").asText().matches("(s3|gs|abfss?|hdfs|file)://.+"));
        assertEquals("savepoint", spec.path("job").path("upgradeMode").asText());
        assertTrue(spec.path("job").path("parallelism").asInt() >= 1, "spec.job.parallelism must be set");
    }

    @Test
    void flinkDeploymentStartsTheMainOfIefvadCommandFromUserCode() throws Exception {
        JsonNode job = flinkDeployment().path("spec").path("job");
        String entry = job.path("entryClass").asText();
        assertEquals(IefvadCommand.class.getName(), entry, "entryClass is not the jar's main class");
        Method main = Class.forName(entry).getMethod("main", String[].class);
        assertTrue(Modifier.isStatic(main.getModifiers()) && Modifier.isPublic(main.getModifiers()),
                entry + ".main is not public static");
        assertEquals(void.class, main.getReturnType(), entry + ".main does not return void");
        // user code, so that the jar's bundled Flink and slf4j copies stay behind Flink's own
        // (parent-first patterns); in /opt/flink/lib they would precede flink-dist on the classpath
        String jar = job.path("jarURI").asText();
        assertFalse(jar.startsWith("local:///opt/flink/lib/"), "the fat jar must not go into Flink's lib/: " + jar);
        assertEquals(JAR_URI, jar);
    }

    /**
     * The args leave out what the cluster supplies, and the cluster does supply it: the
     * environment that {@code run} gets under a Flink client, built from this manifest's
     * flinkConfiguration, has the checkpoint storage and the parallelism.
     */
    @Test
    void flinkDeploymentLeavesCheckpointStorageAndParallelismToTheCluster() throws Exception {
        JsonNode spec = flinkDeployment().path("spec");
        List<String> args = strings(spec.path("job").path("args"), "spec.job.args");
        ParseResult run = parseRun(args);
        for (String o : SUPPLIED_BY_THE_CLUSTER) {
            assertNotNull(runSpec().findOption(o), o + " is no longer an option of iefvad run: revisit this test");
            assertFalse(run.hasMatchedOption(o), "flink-deployment.yaml passes " + o
                    + ", which the cluster supplies (execution.checkpointing.dir, spec.job.parallelism)");
        }
        Map<String, String> conf = new TreeMap<>();
        spec.path("flinkConfiguration").fields().forEachRemaining(e -> conf.put(e.getKey(), e.getValue().asText()));
        int parallelism = spec.path("job").path("parallelism").asInt();
        Duration interval = Duration.ofMillis(Long.parseLong(value(args, "--checkpoint-interval-ms")));
        // the cluster's configuration as the client sees it; the operator turns spec.job.parallelism
        // into parallelism.default
        Configuration cluster = Configuration.fromMap(conf);
        cluster.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
        StreamExecutionEnvironment env = underFlinkClient(cluster, () -> ClusterExecution.environment(
                ClusterExecution.configuration(run.matchedOptionValue("--checkpoints", null), interval),
                run.matchedOptionValue("--parallelism", null)));
        assertEquals(conf.get("execution.checkpointing.dir"),
                env.getConfiguration().get(CheckpointingOptions.CHECKPOINTS_DIRECTORY));
        assertEquals(parallelism, env.getParallelism());
        // and without the cluster's checkpoint dir the same args are refused
        Configuration bare = cluster.clone();
        bare.removeConfig(CheckpointingOptions.CHECKPOINTS_DIRECTORY);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> underFlinkClient(bare, () -> ClusterExecution.environment(
                        ClusterExecution.configuration(run.matchedOptionValue("--checkpoints", null), interval), null)));
        assertTrue(e.getMessage().contains("no checkpoint storage"), e.getMessage());
    }

    interface EnvironmentSupplier {
        StreamExecutionEnvironment get() throws Exception;
    }

    /** Runs {@code body} with a client context environment, as {@code flink run} and application mode do. */
    static StreamExecutionEnvironment underFlinkClient(Configuration cluster, EnvironmentSupplier body) throws Exception {
        StreamContextEnvironment.setAsContext(new DefaultExecutorServiceLoader(), cluster,
                KubernetesManifestTest.class.getClassLoader(), false, false);
        try {
            assertTrue(ClusterExecution.active(), "no client context environment");
            return body.get();
        } finally {
            StreamContextEnvironment.unsetAsContext();
        }
    }

    /**
     * libtorch is loaded through JNI by DJL; the manifest has DJL's classes resolved parent-first,
     * so that every job on a TaskManager shares the one native library (UPGRADE.md, "Image").
     */
    @Test
    void djlResolvesParentFirst() throws Exception {
        String patterns = flinkDeployment().path("spec").path("flinkConfiguration")
                .path("classloader.parent-first-patterns.additional").asText();
        // the class that calls System.load for libtorch; not initialised, so nothing native loads here
        String loader = "ai.djl.pytorch.jni.LibUtils";
        Class.forName(loader, false, KubernetesManifestTest.class.getClassLoader());
        assertTrue(Stream.of(patterns.split(";")).map(String::strip).anyMatch(p -> !p.isEmpty() && loader.startsWith(p)),
                "classloader.parent-first-patterns.additional (" + patterns + ") does not cover " + loader);
    }

    // ---- UPGRADE.md against the code ----

    record Row(String uid, String runsIn, Set<String> states) {}

    static final Pattern ROW = Pattern.compile("^\\|\\s*`([a-z0-9-]+)`\\s*\\|([^|]*)\\|([^|]*)\\|([^|]*)\\|\\s*$");
    static final Pattern VERSIONED = Pattern.compile("`([a-z0-9-]+-v\\d+)`");
    static final Pattern UID_CONSTANT = Pattern.compile("static final String \\w*UID\\s*=\\s*\"([^\"]+)\"");
    static final Pattern STATE_NAME = Pattern.compile("StateDescriptor<>\\(\\s*\"([^\"]+)\"");

    /** The uid table of UPGRADE.md: | `uid` | operator | runs in | state | */
    static Map<String, Row> runbookUids() throws IOException {
        Map<String, Row> rows = new TreeMap<>();
        for (String line : Files.readAllLines(K8S.resolve("UPGRADE.md"))) {
            Matcher m = ROW.matcher(line.strip());
            if (m.matches()) {
                Set<String> states = new TreeSet<>();
                Matcher s = VERSIONED.matcher(m.group(4));
                while (s.find()) {
                    states.add(s.group(1));
                }
                assertNull(rows.put(m.group(1), new Row(m.group(1), m.group(3).strip(), states)),
                        "UPGRADE.md lists " + m.group(1) + " twice");
            }
        }
        assertFalse(rows.isEmpty(), "UPGRADE.md has no uid table");
        return rows;
    }

    static List<Path> mainSources() throws IOException {
        List<Path> out = new ArrayList<>();
        for (String module : List.of("model", "operators", "job")) {
            try (Stream<Path> s = Files.walk(ROOT.resolve(module).resolve("src/main/java"))) {
                s.filter(p -> p.toString().endsWith(".java")).sorted().forEach(out::add);
            }
        }
        return out;
    }

    static Set<String> matches(Pattern p, String text) {
        Set<String> out = new TreeSet<>();
        Matcher m = p.matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    @Test
    void runbookListsExactlyTheUidsAndStateNamesOfTheCode() throws Exception {
        Map<String, Row> rows = runbookUids();
        Map<String, Path> uidFile = new TreeMap<>();
        Map<Path, Set<String>> statesOf = new HashMap<>();
        Set<String> allStates = new TreeSet<>();
        for (Path f : mainSources()) {
            String src = Files.readString(f);
            for (String uid : matches(UID_CONSTANT, src)) {
                assertNull(uidFile.put(uid, f), "uid " + uid + " is declared twice");
            }
            Set<String> states = matches(STATE_NAME, src);
            statesOf.put(f, states);
            allStates.addAll(states);
        }
        assertFalse(uidFile.isEmpty(), "no UID constants found under " + ROOT);
        Set<String> undocumented = new TreeSet<>(uidFile.keySet());
        undocumented.removeAll(rows.keySet());
        Set<String> invented = new TreeSet<>(rows.keySet());
        invented.removeAll(uidFile.keySet());
        assertTrue(undocumented.isEmpty(), "uids in the code but not in UPGRADE.md: " + undocumented);
        assertTrue(invented.isEmpty(), "uids in UPGRADE.md but not in the code: " + invented);
        for (Row r : rows.values()) {
            Set<String> declared = statesOf.get(uidFile.get(r.uid()));
            assertEquals(declared, r.states(), "UPGRADE.md's state names for " + r.uid() + " are not those declared in "
                    + ROOT.relativize(uidFile.get(r.uid())));
        }
        Set<String> listed = rows.values().stream().flatMap(r -> r.states().stream()).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(allStates, listed, "state names in the code vs. UPGRADE.md");
        for (String s : allStates) {
            assertTrue(s.matches(".*-v\\d+"), "state name " + s + " carries no layout version (-vN)");
        }
    }

    static Set<String> graphUids(StreamExecutionEnvironment env) {
        Set<String> out = new TreeSet<>();
        for (StreamNode n : env.getStreamGraph().getStreamNodes()) {
            if (n.getTransformationUID() != null) {
                out.add(n.getTransformationUID());
            }
        }
        return out;
    }

    /** Rows whose "runs in" column names {@code mode} (or "both"). */
    static Set<String> rowsFor(Map<String, Row> rows, String mode) {
        return rows.values().stream()
                .filter(r -> r.runsIn().equalsIgnoreCase(mode) || r.runsIn().equalsIgnoreCase("both"))
                .map(Row::uid).collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * Flink expands a committing sink into a writer (the sink's uid) and a committer whose uid it
     * derives as "Sink Committer: <uid>"; those stand for the documented sink, anything else must
     * be documented itself.
     */
    static Set<String> own(Set<String> graph, Set<String> documented) {
        Set<String> out = new TreeSet<>();
        for (String u : graph) {
            Matcher m = COMMITTER.matcher(u);
            if (m.matches()) {
                assertTrue(documented.contains(m.group(1)), "committer " + u + " of an undocumented sink");
            } else {
                out.add(u);
            }
        }
        return out;
    }

    static final Pattern COMMITTER = Pattern.compile("Sink Committer: (.+)");

    @Test
    void runbookUidTableIsTheKafkaJobGraph() throws Exception {
        Map<String, Row> rows = runbookUids();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ModelRef model = ModelRef.bundled();
        KafkaJob.build(env, new KafkaJob.Settings("localhost:9092", "f", "s", "d", "g", "p", 60_000, false, 1), model,
                new ModelEncoderFactory(model), StreamSettings.defaults(), new KafkaJob.Alerts("a", AlertRules.standard()));
        Set<String> want = rowsFor(rows, "Kafka");
        assertEquals(want, own(graphUids(env), want), "uids of the Kafka job (with --alerts-topic) vs. UPGRADE.md rows for Kafka");
    }

    @Test
    void runbookUidTableIsTheFileJobGraph(@TempDir Path tmp) throws Exception {
        Map<String, Row> rows = runbookUids();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ModelRef model = ModelRef.bundled();
        StreamingJob.build(env, new FrameSource(List.of(VideoInput.of("c", tmp.resolve("v.avi")))), model,
                new ModelEncoderFactory(model), JsonLinesSink.<SegmentScore>toFile(tmp.resolve("s.jsonl")),
                JsonLinesSink.toFile(tmp.resolve("d.jsonl")), StreamSettings.defaults(), AlertRules.standard(),
                JsonLinesSink.toFile(tmp.resolve("a.jsonl")));
        Set<String> want = rowsFor(rows, "file");
        assertEquals(want, own(graphUids(env), want), "uids of the file job (with --alerts) vs. UPGRADE.md rows for file");
    }
}
