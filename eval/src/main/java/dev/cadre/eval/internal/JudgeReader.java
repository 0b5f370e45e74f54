package dev.cadre.eval.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.cadre.api.ModelRef;
import dev.cadre.api.Persona;
import dev.cadre.eval.Check;
import dev.cadre.personas.PersonaLibrary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code judge:} check of an eval file: its persona (a built-in one by id, default {@code rubric-judge}; or one from a
 * persona file relative to the eval file, {@code judges/strict.yaml}, or {@code judges.yaml#strict} when the file holds
 * several), its model, criteria, scale ({@code [1, 5]} unless given) and pass mark.
 */
final class JudgeReader {

    /** The built-in persona a judge check uses when it names none. */
    static final String DEFAULT_PERSONA = "rubric-judge";

    private JudgeReader() {}

    static Check.Judge judge(EvalFileReader.JudgeDef def, String field, Path baseDirectory) {
        if (def.scale() != null && (def.scale().size() != 2 || def.scale().contains(null))) {
            throw new IllegalArgumentException("'scale' is " + def.scale() + ": give the lowest and the highest score, e.g. [1, 5].");
        }
        if (def.criteria() == null) {
            throw new IllegalArgumentException("it has no 'criteria': list what the answer is judged on, one sentence each.");
        }
        if (def.pass() == null) {
            throw new IllegalArgumentException("it has no 'pass': give the least score that passes, e.g. pass: 4.");
        }
        if (def.model() != null) {
            ModelRef.parse(def.model());
        }
        int min = def.scale() == null ? 1 : def.scale().get(0);
        int max = def.scale() == null ? 5 : def.scale().get(1);
        return new Check.Judge(persona(def.persona(), baseDirectory), def.model(), def.criteria(), min, max, def.pass(), field);
    }

    private static Persona persona(String spec, Path baseDirectory) {
        PersonaLibrary builtIn = PersonaLibrary.builtIn();
        if (spec == null) {
            return builtIn.persona(DEFAULT_PERSONA);
        }
        int hash = spec.indexOf('#');
        String path = hash >= 0 ? spec.substring(0, hash) : spec;
        if (!path.matches(".*\\.(ya?ml|jsonc?)$")) {
            return builtIn.persona(spec);
        }
        Path file = baseDirectory.resolve(path).normalize();
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("the judge persona file '" + path + "' does not exist (" + file + ")");
        }
        PersonaLibrary library = builtIn.withFile(file);
        if (hash >= 0) {
            return library.persona(spec.substring(hash + 1));
        }
        List<String> ids = ids(file);
        if (ids.size() != 1) {
            throw new IllegalArgumentException("the judge persona file '" + path + "' holds " + ids.size() + " personas (" + String.join(", ", ids)
                    + "): name one, e.g. " + path + "#" + (ids.isEmpty() ? "id" : ids.get(0)));
        }
        return library.persona(ids.get(0));
    }

    /** The ids of the personas a persona file defines (it has been read by the library already, so it is valid). */
    private static List<String> ids(Path file) {
        try {
            JsonNode root = (file.toString().endsWith(".json") || file.toString().endsWith(".jsonc") ? new JsonMapper() : new YAMLMapper())
                    .readTree(file.toFile());
            List<String> ids = new ArrayList<>();
            if (root.has("personas") && !root.has("role")) {
                root.get("personas").forEach(p -> ids.add(p.path("id").asText()));
            } else {
                ids.add(root.path("id").asText());
            }
            return ids;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the judge persona file " + file + ": " + e.getMessage(), e);
        }
    }
}
