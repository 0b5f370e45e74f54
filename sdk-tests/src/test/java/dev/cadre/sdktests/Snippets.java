package dev.cadre.sdktests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Java snippets of a Markdown page, made into compilation units. A snippet that declares a type (after its
 * imports) is a file of its own; a snippet of members ({@code @Test ...} methods) is the body of a class; any other
 * snippet is the body of a method {@code run()} of a class whose fields are the {@link #GIVEN} names the docs use
 * without declaring them (a snippet's own local variables shadow them). A snippet right after
 * {@code <!-- runnable -->} is run by the test.
 */
record Snippets(Path page, List<Snippet> snippets) {

    /** One snippet: where it is (the line of its fence), its source file's class name and text, and whether the test runs it. */
    record Snippet(Path page, int line, String className, String source, boolean runnable) {
        String where() {
            return page.getFileName() + ":" + line;
        }
    }

    static final Pattern FENCE = Pattern.compile("(<!-- runnable -->\\s*\\n)?```java\\n(.*?)```", Pattern.DOTALL);
    static final Pattern TYPE = Pattern.compile("^(?:public\\s+|final\\s+|abstract\\s+)*(?:class|interface|record|enum)\\s+(\\w+)");

    static final List<String> IMPORTS = List.of("dev.cadre.api.*", "dev.cadre.api.crew.*", "dev.cadre.core.*",
            "dev.cadre.orchestrator.*", "dev.cadre.orchestrator.journal.*", "dev.cadre.orchestrator.pattern.*",
            "dev.cadre.orchestrator.redaction.*", "dev.cadre.orchestrator.conformance.*", "dev.cadre.personas.*",
            "dev.cadre.tools.*", "dev.cadre.testkit.*", "dev.cadre.eval.*", "dev.cadre.mcp.*", "dev.cadre.console.*",
            "dev.cadre.opentelemetry.*", "dev.cadre.spring.*", "dev.cadre.temporal.*",
            "io.temporal.client.WorkflowClient", "io.temporal.client.WorkflowClientOptions", "io.temporal.worker.WorkerFactory",
            "io.temporal.serviceclient.WorkflowServiceStubs", "java.util.*", "java.util.stream.*", "java.nio.file.*", "java.time.*",
            "java.math.BigDecimal", "java.net.http.*", "java.net.http.HttpResponse.BodyHandlers",
            "com.fasterxml.jackson.databind.JsonNode", "dev.langchain4j.model.chat.ChatModel",
            "dev.langchain4j.model.openai.OpenAiChatModel", "dev.langchain4j.agent.tool.ToolSpecification",
            "dev.langchain4j.agent.tool.ToolExecutionRequest", "dev.langchain4j.model.chat.request.json.JsonObjectSchema",
            "io.opentelemetry.api.OpenTelemetry", "io.opentelemetry.api.GlobalOpenTelemetry", "io.opentelemetry.context.Context",
            "io.opentelemetry.context.Scope", "org.junit.jupiter.api.DynamicTest", "org.junit.jupiter.api.TestFactory",
            "org.slf4j.Logger", "org.slf4j.LoggerFactory");

    /** The names snippets use as given: {@code name -> type}. */
    static final Map<String, String> GIVEN = new LinkedHashMap<>();

    static {
        GIVEN.put("model", "ChatModel");
        GIVEN.put("models", "ModelRegistry");
        GIVEN.put("orchestrator", "Orchestrator");
        GIVEN.put("tools", "List<Tool>");
        GIVEN.put("workspace", "Workspace");
        GIVEN.put("projectDir", "Path");
        GIVEN.put("runsDir", "Path");
        GIVEN.put("coder", "Agent");
        GIVEN.put("reviewer", "Agent");
        GIVEN.put("planner", "Agent");
        GIVEN.put("verdictSchema", "JsonNode");
        GIVEN.put("scripted", "ScriptedModel");
        GIVEN.put("run", "RunHandle");
        GIVEN.put("token", "String");
        GIVEN.put("vaultToken", "String");
        GIVEN.put("otel", "OpenTelemetry");
        GIVEN.put("toolContext", "ToolContext");
        GIVEN.put("http", "HttpClient");
        GIVEN.put("request", "HttpRequest");
        GIVEN.put("log", "Logger");
        GIVEN.put("myTools", "Object");
        GIVEN.put("crews", "CadreCrews");
        GIVEN.put("runs", "CadreRuns");
        GIVEN.put("crew", "Crew");
        GIVEN.put("task", "Task");
        GIVEN.put("service", "WorkflowServiceStubs");
        GIVEN.put("sharedRuns", "Path");
        GIVEN.put("sharedKey", "JournalKey");
    }

    static Snippets of(Path page) {
        String text;
        try {
            text = Files.readString(page);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String stem = page.getFileName().toString().replaceAll("\\W", "_");
        List<Snippet> found = new ArrayList<>();
        Matcher m = FENCE.matcher(text);
        while (m.find()) {
            int line = (int) text.substring(0, m.start(2)).chars().filter(c -> c == '\n').count();
            found.add(snippet(page, line, "Snippet_" + stem + "_" + line, m.group(2), m.group(1) != null));
        }
        return new Snippets(page, found);
    }

    private static boolean isComment(String line) {
        String l = line.strip();
        return l.isEmpty() || l.startsWith("/") || l.startsWith("*");
    }

    private static String firstCodeLine(String code) {
        return code.lines().filter(l -> !isComment(l)).findFirst().orElse("");
    }

    /** Whether the code is type declarations only (its column-0 lines open or close types), not statements using local types. */
    private static boolean onlyTypes(String code) {
        return code.lines().filter(l -> !l.isEmpty() && !Character.isWhitespace(l.charAt(0)) && !isComment(l))
                .allMatch(l -> l.startsWith("}") || l.startsWith("@") || TYPE.matcher(l).find());
    }

    private static Snippet snippet(Path page, int line, String wrapper, String code, boolean runnable) {
        StringBuilder imports = new StringBuilder();
        IMPORTS.forEach(i -> imports.append("import ").append(i).append(";\n"));
        StringBuilder body = new StringBuilder();
        for (String l : code.split("\n", -1)) {
            if (l.startsWith("import ")) {
                imports.append(l).append('\n');
            } else {
                body.append(l).append('\n');
            }
        }
        String rest = body.toString().strip();
        Matcher type = TYPE.matcher(firstCodeLine(rest));
        if (type.find() && onlyTypes(rest)) {
            return new Snippet(page, line, type.group(1), imports + "\n" + rest + "\n", false);
        }
        StringBuilder source = new StringBuilder(imports).append("\npublic class ").append(wrapper).append(" {\n");
        GIVEN.forEach((name, t) -> source.append("    public ").append(t).append(' ').append(name).append(";\n"));
        if (rest.startsWith("@")) {
            source.append(rest).append("\n}\n");
        } else {
            source.append("    public void run() throws Exception {\n").append(rest).append("\n    }\n}\n");
        }
        return new Snippet(page, line, wrapper, source.toString(), runnable);
    }
}
