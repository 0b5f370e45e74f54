package dev.cadre.personas;

import java.nio.file.Path;

/**
 * A persona or crew file that cannot be loaded. The message is one line: {@code file:line:column: what is wrong},
 * e.g. {@code crew.yaml:12:5: unknown key 'rol' — did you mean 'role'?}.
 */
public class ConfigException extends IllegalArgumentException {
    private final String file;
    private final int line;
    private final int column;
    private final String problem;

    public ConfigException(String file, int line, int column, String problem) {
        super(file + ":" + line + ":" + column + ": " + problem);
        this.file = file;
        this.line = line;
        this.column = column;
        this.problem = problem;
    }

    public ConfigException(Path file, int line, int column, String problem) {
        this(file.toString(), line, column, problem);
    }

    public String file() {
        return file;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    /** What is wrong, without the location. */
    public String problem() {
        return problem;
    }
}
