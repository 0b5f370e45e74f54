package dev.cadre.personas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The crews that come with Cadre (coder-reviewer, debate, hierarchical), as crew files in this library. */
public final class BuiltInCrews {

    /** The built-in crews, by name. */
    public static final List<String> NAMES = List.of("coder-reviewer", "debate", "hierarchical");

    private BuiltInCrews() {}

    /** Whether {@code name} is a built-in crew. */
    public static boolean contains(String name) {
        return NAMES.contains(name);
    }

    /** The YAML text of a built-in crew. */
    public static String yaml(String name) {
        if (!contains(name)) {
            throw new IllegalArgumentException("There is no built-in crew '" + name + "'; built-in crews: " + String.join(", ", NAMES) + ".");
        }
        try (InputStream in = BuiltInCrews.class.getResourceAsStream("crews/" + name + ".yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file name a built-in crew goes by in errors and journals: {@code builtin:<name>.yaml}. */
    public static String fileName(String name) {
        return "builtin:" + name + ".yaml";
    }

    /** A built-in crew loaded with {@code loader} (which must be able to make the crew's run_command tool). */
    public static CrewFile load(String name, CrewLoader loader) {
        return loader.load(fileName(name), yaml(name));
    }
}
