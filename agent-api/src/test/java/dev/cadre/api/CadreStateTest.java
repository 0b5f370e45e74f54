package dev.cadre.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CadreStateTest {

    private static final Path HOME = Path.of("/home/ada");

    @Test
    void linuxUsesTheXdgStateDirectory() {
        assertThat(CadreState.directory(Map.of(), "Linux", HOME)).isEqualTo(Path.of("/home/ada/.local/state/cadre"));
        assertThat(CadreState.directory(Map.of("XDG_STATE_HOME", "/var/state"), "Linux", HOME)).isEqualTo(Path.of("/var/state/cadre"));
    }

    @Test
    void aRelativeXdgStateHomeIsIgnoredAsTheSpecSays() {
        assertThat(CadreState.directory(Map.of("XDG_STATE_HOME", "state"), "Linux", HOME)).isEqualTo(Path.of("/home/ada/.local/state/cadre"));
    }

    @Test
    void macOsAndWindowsUseTheirOwnPlaces() {
        assertThat(CadreState.directory(Map.of(), "Mac OS X", HOME)).isEqualTo(Path.of("/home/ada/Library/Application Support/Cadre"));
        assertThat(CadreState.directory(Map.of("LOCALAPPDATA", "/c/Users/ada/AppData/Local"), "Windows 11", HOME))
                .isEqualTo(Path.of("/c/Users/ada/AppData/Local/Cadre"));
    }

    @Test
    void theEnvironmentVariableWins() {
        assertThat(CadreState.directory(Map.of(CadreState.ENV, "/srv/cadre", "XDG_STATE_HOME", "/x"), "Linux", HOME))
                .isEqualTo(Path.of("/srv/cadre"));
    }
}
