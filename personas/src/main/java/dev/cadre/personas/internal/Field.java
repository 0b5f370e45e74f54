package dev.cadre.personas.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.personas.ConfigException;

/**
 * One field of a CrewAI agent, task or crew, wherever it was written (agents.yaml, tasks.yaml, crew.jsonc, an
 * agent's {@code settings}, or a keyword argument in crew.py), with where it was written.
 *
 * @param value the value as JSON; a Python expression Cadre did not read is {@code {"python": "<text>"}}
 * @param line   where its key is (notes name it); {@code valueLine} and {@code valueColumn}: its value (errors name it)
 */
public record Field(JsonNode value, String file, int line, int column, int valueLine, int valueColumn) {

    public Field(JsonNode value, String file, int line, int column) {
        this(value, file, line, column, line, column);
    }

    /** A field read from YAML or JSON. */
    public static Field of(Node node) {
        ConfigException key = node.keyError("x");
        ConfigException value = node.error("x");
        return new Field(node.json(), key.file(), key.line(), key.column(), value.line(), value.column());
    }

    /** A keyword argument of crew.py, located at its value. */
    public static Field of(PySource source, PySource.Arg arg) {
        return new Field(PySource.literal(arg.text()), source.file(), source.line(arg.offset()), source.column(arg.offset()));
    }

    /** "file:line:column". */
    public String at() {
        return file + ":" + line + ":" + column;
    }

    public boolean isPython() {
        return PySource.isPython(value);
    }

    /** The Python text of a field Cadre did not read. */
    public String python() {
        return value.get("python").asText();
    }

    public boolean isText() {
        return value.isTextual() || value.isNumber() || value.isBoolean();
    }

    public String text() {
        return value.asText();
    }

    /** An error located at the value. */
    public ConfigException error(String problem) {
        return new ConfigException(file, valueLine, valueColumn, problem);
    }

    /** An error located at the key (an unknown key). */
    public ConfigException keyError(String problem) {
        return new ConfigException(file, line, column, problem);
    }
}
