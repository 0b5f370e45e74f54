package dev.cadre.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.api.CadreJson;
import dev.cadre.api.RiskLevel;
import dev.cadre.api.Tool;
import dev.cadre.api.ToolContext;
import dev.cadre.api.ToolResult;
import dev.cadre.api.crew.CommandSandbox;
import dev.cadre.tools.internal.Bubblewrap;
import dev.cadre.tools.internal.Executables;
import dev.cadre.tools.internal.ProcessExec;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * {@code run_command}: runs one of the commands a crew allows (e.g. {@code mvn -q test}, {@code npm test},
 * {@code pytest -q}) in the workspace. No shell is involved: the command line is split into words and started
 * directly, so {@code ;}, {@code &&}, {@code |} or {@code $(...)} are just characters. The model may only pick an
 * allowed command, word for word. The environment is scrubbed (only {@code PATH}, {@code HOME}, locale and JDK
 * variables pass, never anything that looks like a key, token, secret or password), the run is bounded by a
 * timeout (the whole process tree is killed, and so it is when the call is cancelled), and the output is kept as
 * head and tail with the exit code.
 *
 * <p>On Linux with bubblewrap, commands run in an OS sandbox ({@link CommandSandbox}): their own PID namespace (the
 * whole tree dies with them, other processes' {@code /proc} entries are not visible), no network unless allowed,
 * the file system read-only but for the workspace and declared paths, the home and Cadre's state directory hidden.
 * Where no sandbox is available the runner warns once, when it is made, and runs plain processes, unless the
 * sandbox is {@linkplain CommandSandbox#required() required}.
 */
public final class CommandRunner implements Tool {

    private static final Set<String> PASSED_ENV = Set.of("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR",
            "JAVA_HOME", "MAVEN_HOME", "M2_HOME", "USER", "LOGNAME", "TERM");
    /** Names that hold secrets (the Redactor's rule): never passed on, even when allow-listed. */
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(KEY|TOKEN|SECRET|PASS|PWD|CREDENTIAL|COOKIE|AUTH).*");
    /** The environment variable that, set to {@code required}, makes every runner require the sandbox (as CI does). */
    public static final String REQUIRE_ENV = "CADRE_SANDBOX";
    private static final Logger LOG = LoggerFactory.getLogger(CommandRunner.class);

    private final Workspace workspace;
    /** Allowed commands: their words, and the line as configured (shown to the model and in results). */
    private final Map<List<String>, String> allowed = new LinkedHashMap<>();
    private final Duration timeout;
    private final int keepBytes;
    private final Map<String, String> environment;
    /** The sandbox commands run in, or null for plain processes. */
    private final Bubblewrap sandbox;
    private final CommandSandbox sandboxSettings;

    /**
     * A runner with the {@linkplain CommandSandbox#DEFAULT default sandbox} (where one is available).
     *
     * @param workspace   where commands run
     * @param allowed     the command lines agents may run, e.g. {@code "mvn -q test"}
     * @param timeout     the longest a command may run
     * @param keepBytes   how much of the start and of the end of the output to keep
     * @param environment the environment to pass on (scrubbed of secrets), usually {@code System.getenv()}
     */
    public CommandRunner(Workspace workspace, List<String> allowed, Duration timeout, int keepBytes, Map<String, String> environment) {
        this(workspace, allowed, timeout, keepBytes, environment, CommandSandbox.DEFAULT);
    }

    /**
     * A runner whose commands run in {@code sandbox}.
     *
     * @throws IllegalStateException when the sandbox is required (by {@code sandbox} or by {@code CADRE_SANDBOX=required}
     *                               in {@code environment}) and none is available here
     */
    public CommandRunner(Workspace workspace, List<String> allowed, Duration timeout, int keepBytes, Map<String, String> environment,
            CommandSandbox sandbox) {
        this.workspace = workspace;
        this.timeout = timeout;
        this.keepBytes = keepBytes;
        if (allowed.isEmpty()) {
            throw new IllegalArgumentException("run_command needs at least one allowed command, e.g. 'mvn -q test'.");
        }
        for (String line : allowed) {
            allowed(line);
        }
        this.environment = scrub(environment);
        this.sandboxSettings = sandbox;
        this.sandbox = sandbox(workspace, sandbox, environment);
    }

    private static Bubblewrap sandbox(Workspace workspace, CommandSandbox settings, Map<String, String> environment) {
        if (settings.mode() == CommandSandbox.Mode.OFF) {
            return null;
        }
        if ("required".equalsIgnoreCase(environment.get(REQUIRE_ENV))) {
            settings = settings.required();
        }
        String path = environment.get("PATH");
        Optional<Path> program = Bubblewrap.find(path);
        String why;
        if (program.isEmpty()) {
            String os = System.getProperty("os.name", "");
            why = os.startsWith("Linux") ? "bubblewrap (bwrap) is not on the PATH" : "there is no OS sandbox on " + os + " yet";
        } else {
            Bubblewrap bwrap = Bubblewrap.of(program.get(), settings, workspace.root(), environment);
            Optional<String> failed = bwrap.selfCheck(path);
            if (failed.isEmpty()) {
                return bwrap;
            }
            why = program.get() + " failed its self-check (" + failed.get().replaceAll("\\s*\\R\\s*", "; ") + ")";
        }
        if (settings.mode() == CommandSandbox.Mode.REQUIRED) {
            throw new IllegalStateException("run_command requires an OS sandbox, but " + why + ".");
        }
        LOG.warn("run_command in {} runs commands without an OS sandbox: {}. Install bubblewrap (apt-get install bubblewrap)"
                + " to confine them.", workspace.root(), why);
        return null;
    }

    /** The sandbox settings this runner was made with. */
    public CommandSandbox sandboxSettings() {
        return sandboxSettings;
    }

    /** Whether commands run in the OS sandbox (false where none was available and the runner fell back). */
    public boolean sandboxed() {
        return sandbox != null;
    }

    private void allowed(String line) {
        List<String> argv = split(line);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("An allowed command is empty.");
        }
        this.allowed.put(argv, line.strip());
    }

    public static CommandRunner of(Workspace workspace, String... allowed) {
        return new CommandRunner(workspace, List.of(allowed), Duration.ofMinutes(5), 16 * 1024, System.getenv());
    }

    /** The environment passed to commands: the allow-listed variables, minus anything that looks like a secret. */
    public static Map<String, String> scrub(Map<String, String> env) {
        Map<String, String> kept = new LinkedHashMap<>();
        env.forEach((k, v) -> {
            if (PASSED_ENV.contains(k.toUpperCase(Locale.ROOT)) && !SECRET_NAME.matcher(k).matches()) {
                kept.put(k, v);
            }
        });
        return kept;
    }

    @Override
    public ToolSpecification specification() {
        return ToolSpecification.builder().name("run_command")
                .description("Run one of the allowed commands in the workspace and get its exit code and output. Allowed: "
                        + String.join("; ", allowed.values()) + ".")
                .parameters(JsonObjectSchema.builder().addProperty("command", JsonStringSchema.builder()
                        .description("One of the allowed commands, exactly").build()).required("command").build())
                .build();
    }

    @Override
    public Mono<ToolResult> invoke(JsonNode arguments, ToolContext context) {
        return Mono.defer(() -> {
            List<String> argv = split(arguments.get("command").asText());
            String asked = allowed.get(argv);
            if (asked == null) {
                return Mono.just(ToolResult.error("The command '" + arguments.get("command").asText().strip()
                        + "' is not allowed. Allowed commands: " + String.join("; ", allowed.values()) + "."));
            }
            ProcessExec.Run run;
            try {
                run = start(argv);
            } catch (UncheckedIOException e) {
                return Mono.just(ToolResult.error(e.getMessage()));
            }
            return Mono.fromCallable(() -> result(asked, run.call())).doOnCancel(run::cancel)
                    .onErrorResume(UncheckedIOException.class, e -> Mono.just(ToolResult.error(e.getMessage())));
        });
    }

    /** The run of {@code argv}: in the sandbox (its program found on the PATH first), or as a plain process. */
    private ProcessExec.Run start(List<String> argv) {
        if (sandbox == null) {
            return new ProcessExec.Run(argv, workspace.root(), environment, timeout, keepBytes);
        }
        List<String> command = new ArrayList<>(argv);
        if (!argv.get(0).contains("/")) {
            Path program = Executables.find(argv.get(0), environment.get("PATH")).orElseThrow(() -> new UncheckedIOException(
                    "Cannot start '" + argv.get(0) + "': there is no such program on the PATH.", new java.io.IOException(argv.get(0))));
            command.set(0, program.toString());
        }
        Bubblewrap.Launch launch = sandbox.launch(command, environment);
        return new ProcessExec.Run(launch.argv(), workspace.root(), launch.env(), timeout, keepBytes);
    }

    private ToolResult result(String asked, ProcessExec.Outcome outcome) {
        ObjectNode structured = CadreJson.mapper().createObjectNode().put("command", asked).put("exit_code", outcome.exitCode())
                .put("timed_out", outcome.timedOut()).put("output_bytes", outcome.outputBytes())
                .put("millis", outcome.took().toMillis()).put("output", outcome.output());
        String head = outcome.timedOut()
                ? "'" + asked + "' did not finish within " + timeout.toSeconds() + " s and was killed."
                : "'" + asked + "' exited with code " + outcome.exitCode() + ".";
        return new ToolResult(head + "\n" + outcome.output(), structured, outcome.timedOut() || outcome.exitCode() != 0);
    }

    @Override
    public RiskLevel risk() {
        return RiskLevel.EXECUTES;
    }

    @Override
    public boolean idempotent() {
        return false;
    }

    /** Splits a command line into words: whitespace separates, single and double quotes group; nothing else is special. */
    static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        char quote = 0;
        boolean inWord = false;
        for (char c : line.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }
}
