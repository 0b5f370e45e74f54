package dev.cadre.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.testkit.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/getting-started.md's walk, command by command, as a new user types it: the demo, their own project with the
 * coder-reviewer crew, their own crew file, a CrewAI project. Each `cadre ...` line of its sh blocks runs in a
 * directory holding my-project (a Maven project) and latest_ai (a CrewAI project), on a model stub.
 */
class GettingStartedTest {

    @TempDir
    Path dir;

    @TempDir
    Path state; // Cadre's state directory, outside every workspace of the walk

    static final Pattern SH = Pattern.compile("```sh\\n(.*?)```", Pattern.DOTALL);

    /** The command lines of the walk, split as a shell would (double quotes). */
    static List<List<String>> walk() throws Exception {
        String page = Files.readString(Path.of("..", "docs", "getting-started.md"));
        String walk = page.substring(page.indexOf("## The walk"), page.indexOf("## In your own Java program"));
        List<List<String>> commands = new ArrayList<>();
        Matcher m = SH.matcher(walk);
        while (m.find()) {
            for (String line : m.group(1).split("\n")) {
                if (line.startsWith("cadre ")) {
                    commands.add(words(line.substring("cadre ".length())));
                }
            }
        }
        return commands;
    }

    static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        Matcher w = Pattern.compile("([^\\s\"]*)\"([^\"]*)\"|(\\S+)").matcher(line);
        while (w.find()) {
            words.add(w.group(3) != null ? w.group(3) : w.group(1) + w.group(2));
        }
        return words;
    }

    void projects() throws Exception {
        Path project = Files.createDirectories(dir.resolve("my-project/src"));
        Files.writeString(project.getParent().resolve("pom.xml"), "<project/>");
        Files.writeString(project.resolve("App.java"), "class App {}");
        Path config = Files.createDirectories(dir.resolve("latest_ai/src/latest_ai/config"));
        Files.writeString(config.resolve("agents.yaml"), "researcher: {role: \"{topic} Researcher\", goal: Find news, backstory: Keen.}\n");
        Files.writeString(config.resolve("tasks.yaml"), "research_task: {description: \"Research {topic}.\", expected_output: Notes}\n");
        Files.writeString(config.getParent().resolve("crew.py"), """
                @CrewBase
                class LatestAi():
                    @agent
                    def researcher(self) -> Agent:
                        return Agent(config=self.agents_config['researcher'], verbose=True)

                    @task
                    def research_task(self) -> Task:
                        return Task(config=self.tasks_config['research_task'], agent=self.researcher())
                """);
    }

    static Reply answer(JsonNode request) {
        return request.has("response_format") ? Reply.text("{\"verdict\":\"APPROVED\",\"feedback\":\"Tests pass.\"}") : Reply.text("Done.");
    }

    @Test
    void everyCommandOfTheWalkRuns() throws Exception {
        projects();
        List<List<String>> commands = walk();
        assertThat(commands).extracting(c -> c.get(0)).contains("demo", "run", "crews", "import", "personas", "runs");
        try (ModelStubServer stub = new ModelStubServer(GettingStartedTest::answer)) {
            Map<String, String> env = Map.of("CADRE_MODEL", "openai:gpt-4.1-mini", "OPENAI_BASE_URL", stub.openAiUrl(),
                    "CADRE_STATE_DIR", state.toString());
            for (List<String> command : commands) {
                CadreProcess.Outcome run = CadreProcess.run(dir, env, "", command.toArray(String[]::new));
                assertThat(run.exit()).as("cadre " + String.join(" ", command) + "\n" + run.stdout() + run.stderr()).isZero();
                assertThat(run.stderr()).as(String.join(" ", command)).doesNotContain("cadre: ");
            }
        }
        assertThat(dir.resolve("my-crew.yaml")).content().startsWith("name: coder-reviewer");
        assertThat(dir.resolve("crew.yaml")).content().startsWith("# Imported from the CrewAI project");
    }
}
