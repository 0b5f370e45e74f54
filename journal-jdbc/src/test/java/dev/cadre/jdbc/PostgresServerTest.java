package dev.cadre.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

/** Where the tests find PostgreSQL, and that without it they skip, or fail where it is required (.ci/run). */
class PostgresServerTest {

    @TempDir
    Path dir;

    @Test
    void the_binaries_are_found_on_the_path_first_then_in_the_newest_debian_directory() throws Exception {
        Path onPath = programs(dir.resolve("local/bin"));
        Path debian = dir.resolve("lib/postgresql");
        programs(debian.resolve("13/bin"));
        Path newest = programs(debian.resolve("15/bin"));
        Files.createDirectories(debian.resolve("16/bin")); // no programs in it

        assertThat(PostgresServer.binaries(dir.resolve("empty") + File.pathSeparator + onPath, debian)).contains(onPath.toRealPath());
        assertThat(PostgresServer.binaries("", debian)).contains(newest);
        assertThat(PostgresServer.binaries("", dir.resolve("nothing-here"))).isEmpty();
    }

    @Test
    void without_postgresql_the_tests_skip_unless_required_then_they_fail() {
        assertThatThrownBy(() -> PostgresServer.missing(false)).isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("No PostgreSQL is installed");
        assertThatThrownBy(() -> PostgresServer.missing(true)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("No PostgreSQL is installed").hasMessageContaining("CADRE_POSTGRES=required");
    }

    private static Path programs(Path bin) throws Exception {
        Files.createDirectories(bin);
        for (String name : new String[] {"initdb", "pg_ctl"}) {
            Files.createFile(bin.resolve(name), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        }
        return bin;
    }
}
