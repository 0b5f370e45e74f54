package dev.cadre.personas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cadre.api.Tool;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.Step;
import dev.cadre.tools.CommandRunner;
import dev.cadre.api.crew.CommandSandbox;
import dev.cadre.tools.StandardTools;
import dev.cadre.tools.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A crew file's {@code sandbox:} key: what its commands may write, read and reach, located errors for bad values. */
class CrewSandboxKeyTest {

    @TempDir
    Path dir;

    CommandRunner load(String sandbox) {
        String yaml = "commands: [\"echo ok\"]\n" + sandbox + "agents:\n  coder: {role: Coder, tools: [run_command]}\n"
                + "tasks:\n  - {id: a, description: x, agent: coder}\n";
        Crew crew = CrewLoader.of(PersonaLibrary.builtIn(), List.of()).withCommandTool(c -> StandardTools.commandRunner(Workspace.at(dir), c)).load("crew.yaml", yaml).crew();
        Tool tool = ((Step.Work) ((Step.Sequential) crew.process()).steps().get(0)).agent().tools().get(0);
        return (CommandRunner) tool;
    }

    @Test
    void declaresNetworkAndPathsForTheCommands() {
        Path home = Path.of(System.getProperty("user.home"));
        CommandRunner runner = load("sandbox: {network: true, writable: [\"~/.m2\", /var/cache/tool], readable: /opt/tools}\n");
        assertThat(runner.sandboxSettings()).isEqualTo(new CommandSandbox(CommandSandbox.Mode.PREFERRED, true,
                List.of(home.resolve(".m2"), Path.of("/var/cache/tool")), List.of(Path.of("/opt/tools"))));
        assertThat(load("").sandboxSettings()).as("without the key: the default sandbox").isEqualTo(CommandSandbox.DEFAULT);
    }

    @Test
    void badValuesAreLocatedErrors() {
        assertThatThrownBy(() -> load("sandbox: {netwrk: true}\n")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("crew.yaml:2:").hasMessageContaining("'netwrk'").hasMessageContaining("did you mean 'network'");
        assertThatThrownBy(() -> load("sandbox: {network: yes please}\n")).isInstanceOf(ConfigException.class)
                .hasMessage("crew.yaml:2:20: 'network' must be true or false, not 'yes please'");
        assertThatThrownBy(() -> load("sandbox:\n  writable: [\"~/.m2\", target/cache]\n")).isInstanceOf(ConfigException.class)
                .hasMessage("crew.yaml:3:23: 'writable' path 'target/cache' must be absolute or start with ~/ (e.g. ~/.m2)");
        assertThatThrownBy(() -> load("sandbox: {readable: [/]}\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'readable' path '/' is the whole file system");
        assertThatThrownBy(() -> load("sandbox: true\n")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("crew.yaml:2:10: 'sandbox' must be a mapping");
    }

    @Test
    void aSandboxWithoutCommandsIsAnError() {
        String yaml = "sandbox: {network: true}\nagents:\n  coder: {role: Coder}\ntasks:\n  - {id: a, description: x, agent: coder}\n";
        assertThatThrownBy(() -> CrewLoader.of(PersonaLibrary.builtIn(), List.of()).withCommandTool(c -> StandardTools.commandRunner(Workspace.at(dir), c)).load("c.yaml", yaml))
                .isInstanceOf(ConfigException.class)
                .hasMessage("c.yaml:1:1: 'sandbox' confines the crew's commands, but the crew allows none ('commands')");
    }

    /** {@code required: true} runs commands in the sandbox (where bwrap is installed; CI requires it). */
    @Test
    void aRequiredSandboxIsUsed() throws Exception {
        boolean bwrap = Files.isExecutable(Path.of("/usr/bin/bwrap")) || Files.isExecutable(Path.of("/bin/bwrap"));
        assumeTrue(bwrap || "required".equals(System.getenv("CADRE_SANDBOX")), "bwrap is not installed");
        CommandRunner runner = load("sandbox: {required: true}\n");
        assertThat(runner.sandboxed()).isTrue();
        assertThat(runner.sandboxSettings().mode()).isEqualTo(CommandSandbox.Mode.REQUIRED);
    }
}
