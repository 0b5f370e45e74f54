package dev.cadre.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.personas.CrewFile;
import dev.cadre.personas.CrewLoader;
import dev.cadre.personas.PersonaLibrary;
import dev.cadre.tools.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every YAML crew, persona and eval file shown in docs/ loads with the real loader: the YAML reference cannot drift. */
class DocsExamplesTest {

    private static final Pattern YAML_BLOCK = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL);

    @TempDir
    Path workspace;

    @Test
    void everyYamlExampleInTheDocsLoads() throws Exception {
        Path docs = Path.of("..", "docs");
        List<Path> pages;
        try (Stream<Path> files = Files.walk(docs)) {
            pages = files.filter(f -> f.toString().endsWith(".md")).sorted().toList();
        }
        int crews = 0;
        int personas = 0;
        int evals = 0;
        List<String> failures = new ArrayList<>();
        for (Path page : pages) {
            Matcher m = YAML_BLOCK.matcher(Files.readString(page));
            int n = 0;
            while (m.find()) {
                n++;
                String yaml = m.group(1);
                String name = page.getFileName().toString().replace(".md", "") + "-example-" + n + ".yaml";
                try {
                    if (yaml.contains("cases:")) {
                        assertThat(dev.cadre.eval.EvalFile.parse(name, yaml, workspace).cases()).isNotEmpty();
                        evals++;
                    } else if (yaml.contains("tasks:")) {
                        CrewFile file = CrewLoader.of(PersonaLibrary.builtIn(), SampleCrews.tools(Workspace.at(workspace)))
                                .withCommandTool(c -> dev.cadre.tools.StandardTools.commandRunner(Workspace.at(workspace), c)).withExecutedFiles(dev.cadre.tools.StandardTools::withExecutedFiles).load(name, yaml);
                        assertThat(file.crew().name()).isNotBlank();
                        crews++;
                    } else if (yaml.contains("role:") && yaml.contains("id:")) {
                        Path file = workspace.resolve(name);
                        Files.writeString(file, yaml);
                        assertThat(PersonaLibrary.builtIn().withFile(file).ids()).isNotEmpty();
                        personas++;
                    }
                } catch (RuntimeException e) {
                    failures.add(page + " example " + n + ": " + e.getMessage());
                }
            }
        }
        assertThat(failures).isEmpty();
        assertThat(crews).as("crew examples checked").isGreaterThanOrEqualTo(6);
        assertThat(personas).as("persona examples checked").isGreaterThanOrEqualTo(1);
        assertThat(evals).as("eval file examples checked").isGreaterThanOrEqualTo(1);
    }
}
