package dev.cadre.console;

import dev.cadre.api.ModelRegistry;
import dev.cadre.api.PriceTable;
import dev.cadre.orchestrator.Orchestrator;
import dev.cadre.personas.CrewFile;
import dev.cadre.personas.CrewLoader;
import dev.cadre.personas.PersonaLibrary;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import dev.cadre.tools.Workspace;
import dev.cadre.tools.WorkspaceTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A console on a free loopback port whose "review" crew drafts with a tool call, stops at a review checkpoint, then
 * has two debaters answer and argue two rounds before a judge decides; every model answer is scripted.
 */
final class ConsoleFixture {

    static final String MODEL = "scripted:model";

    static final String CREW = """
            name: review-and-debate
            agents:
              writer:
                extends: technical-writer
                tools: [workspace_list]
              optimist:
                extends: debater
                role: Debater arguing that it ships on time
              skeptic:
                extends: debater
                role: Debater arguing that it ships late
              judge: judge
            tasks:
              - id: draft
                description: "Draft a release note for: {task}"
                agent: writer
                human_review: after
              - id: question
                description: "Will {task} ship this week? Answer as JSON {\\"answer\\": \\"yes\\" or \\"no\\"}"
            process:
              type: sequential
              name: release
              steps:
                - draft
                - type: debate
                  name: debate
                  debaters: [optimist, skeptic]
                  question: question
                  rounds: 2
                  judge: judge
            """;

    static ScriptedModel model() {
        return ScriptedModel.builder()
                .agent("writer",
                        Reply.toolCall("workspace_list", "{\"path\": \".\"}").withUsage(320, 18),
                        Reply.text("Release 1.2: faster journals, a web console, and fewer surprises.").withUsage(410, 25))
                .agent("optimist",
                        Reply.text("{\"answer\": \"yes\", \"reasons\": \"The tests are green.\"}").withUsage(150, 20),
                        Reply.text("{\"answer\": \"yes\", \"reasons\": \"Still green; the docs are done.\"}").withUsage(190, 22),
                        Reply.text("{\"answer\": \"yes\", \"reasons\": \"Nothing new is red.\"}").withUsage(230, 17))
                .agent("skeptic",
                        Reply.text("{\"answer\": \"no\", \"reasons\": \"The browser test is new.\"}").withUsage(150, 21),
                        Reply.text("{\"answer\": \"no\", \"reasons\": \"One review is still open.\"}").withUsage(195, 19),
                        Reply.text("{\"answer\": \"no\", \"reasons\": \"The review is still open.\"}").withUsage(235, 16))
                .agent("judge", Reply.text("{\"answer\": \"yes\", \"reasons\": \"Green tests outweigh one open review.\"}").withUsage(260, 24))
                .build();
    }

    final Path dir;
    final Path runs;
    final ScriptedModel model = model();
    final CadreConsole console;

    ConsoleFixture(Path dir, String token) throws IOException {
        this.dir = dir;
        this.runs = dir.resolve("runs");
        Path workspace = Files.createDirectories(dir.resolve("workspace"));
        Files.writeString(workspace.resolve("CHANGES.md"), "1.2: web console\n");
        Workspace ws = Workspace.at(workspace);
        CrewFile crew = CrewLoader.of(PersonaLibrary.builtIn(), WorkspaceTools.create(ws)).withCommandTool(c -> dev.cadre.tools.StandardTools.commandRunner(ws, c)).withExecutedFiles(dev.cadre.tools.StandardTools::withExecutedFiles).load("review.yaml", CREW);
        this.console = CadreConsole.builder()
                .runsDirectory(runs)
                .crew("review", crew)
                .token(token)
                .heartbeat(java.time.Duration.ofMillis(200))
                .orchestrator(Orchestrator.builder().models(ModelRegistry.of(MODEL, model)).runsDirectory(runs)
                        .prices(PriceTable.NONE.with(MODEL, "2.50", "10.00")))
                .build()
                .start("127.0.0.1", 0);
    }
}
