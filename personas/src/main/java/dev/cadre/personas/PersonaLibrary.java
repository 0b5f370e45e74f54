package dev.cadre.personas;

import dev.cadre.api.OutputContract;
import dev.cadre.api.Persona;
import dev.cadre.personas.internal.Doc;
import dev.cadre.personas.internal.Node;
import dev.cadre.personas.internal.PersonaDef;
import dev.cadre.personas.internal.Suggest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Personas by id, from Cadre's built-in library and from the user's YAML or JSON files. A persona may
 * {@code extends} another (it inherits every field it does not set). Immutable: {@code with...} returns a new
 * library in which later definitions replace earlier ones of the same id.
 */
public final class PersonaLibrary {

    /** The ids of the built-in personas. */
    public static final List<String> BUILT_IN = List.of("coder", "reviewer", "tester", "architect", "security-reviewer",
            "manager", "debater", "judge", "technical-writer", "summarizer", "rubric-judge");

    private final Map<String, PersonaDef> definitions;

    private PersonaLibrary(Map<String, PersonaDef> definitions) {
        this.definitions = Collections.unmodifiableMap(new LinkedHashMap<>(definitions));
    }

    public static PersonaLibrary empty() {
        return new PersonaLibrary(Map.of());
    }

    /** The built-in personas: short, human-written, each a starting point to extend. */
    public static PersonaLibrary builtIn() {
        PersonaLibrary library = empty();
        for (String id : BUILT_IN) {
            String resource = "library/" + id + ".yaml";
            try (InputStream in = PersonaLibrary.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("The built-in persona " + resource + " is missing from the jar.");
                }
                library = library.with(Doc.parse("builtin:" + id + ".yaml", new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return library;
    }

    /** This library plus the personas of a file: one persona, or {@code personas:} with a list of them. */
    public PersonaLibrary withFile(Path file) {
        return with(Doc.read(file));
    }

    /** This library plus the personas of every {@code .yaml}, {@code .yml} and {@code .json} file in a directory. */
    public PersonaLibrary withDirectory(Path dir) {
        PersonaLibrary library = this;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().matches(".*\\.(ya?ml|jsonc?)$")).sorted().toList()) {
                library = library.withFile(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list personas in " + dir + ": " + e.getMessage(), e);
        }
        return library;
    }

    PersonaLibrary with(Doc doc) {
        Node root = doc.root();
        List<Node> nodes = new ArrayList<>();
        if (root.isObject() && root.has("personas") && !root.has("role")) {
            root.allowOnly(Set.of("personas"), "a personas file");
            nodes.addAll(root.child("personas").items("'personas'"));
        } else {
            nodes.add(root);
        }
        Map<String, PersonaDef> defs = new LinkedHashMap<>(definitions);
        for (Node node : nodes) {
            defs.put(PersonaDef.read(node, null).id(), PersonaDef.read(node, null));
        }
        PersonaLibrary library = new PersonaLibrary(defs);
        for (Node node : nodes) {
            library.persona(PersonaDef.read(node, null).id()); // fail now on a bad extends, cycle or field
        }
        return library;
    }

    /** This library plus one definition (used for personas defined inline in crew files). */
    public PersonaLibrary withDefinition(PersonaDef def) {
        Map<String, PersonaDef> defs = new LinkedHashMap<>(definitions);
        defs.put(def.id(), def);
        return new PersonaLibrary(defs);
    }

    public Set<String> ids() {
        return new TreeSet<>(definitions.keySet());
    }

    public boolean contains(String id) {
        return definitions.containsKey(id);
    }

    public List<Persona> all() {
        return ids().stream().map(this::persona).toList();
    }

    /** The persona with its inheritance applied; fails naming the known personas when there is none. */
    public Persona persona(String id) {
        PersonaDef def = definitions.get(id);
        if (def == null) {
            String nearest = Suggest.nearest(id, definitions.keySet());
            throw new IllegalArgumentException("There is no persona '" + id + "'"
                    + (nearest != null ? " — did you mean '" + nearest + "'?" : "; personas: " + String.join(", ", ids())));
        }
        return build(merged(def, new LinkedHashSet<>()));
    }

    /** The definition of {@code id} with everything it inherits filled in. */
    public PersonaDef resolved(String id) {
        PersonaDef def = definitions.get(id);
        if (def == null) {
            throw new IllegalArgumentException("There is no persona '" + id + "'.");
        }
        return merged(def, new LinkedHashSet<>());
    }

    PersonaDef merged(PersonaDef def, LinkedHashSet<String> chain) {
        if (!chain.add(def.id())) {
            List<String> cycle = new ArrayList<>(chain);
            cycle.add(def.id());
            throw def.extendsNode() != null
                    ? def.extendsNode().error("persona '" + def.id() + "' extends itself through " + String.join(" -> ", cycle.subList(cycle.indexOf(def.id()), cycle.size())))
                    : def.node().error("persona '" + def.id() + "' extends itself");
        }
        if (def.extendsId() == null) {
            return def;
        }
        PersonaDef parent = definitions.get(def.extendsId());
        if (parent == null) {
            String nearest = Suggest.nearest(def.extendsId(), definitions.keySet());
            throw def.extendsNode().error("persona '" + def.id() + "' extends '" + def.extendsId() + "', which does not exist"
                    + (nearest != null ? " — did you mean '" + nearest + "'?" : "; personas: " + String.join(", ", ids())));
        }
        PersonaDef base = merged(parent, chain);
        return new PersonaDef(def.id(), null,
                or(def.role(), base.role()), or(def.goal(), base.goal()), or(def.backstory(), base.backstory()),
                or(def.instructions(), base.instructions()), or(def.examples(), base.examples()), or(def.model(), base.model()),
                or(def.temperature(), base.temperature()), or(def.tools(), base.tools()),
                or(def.maxToolRounds(), base.maxToolRounds()), or(def.expectedOutput(), base.expectedOutput()),
                or(def.outputSchema(), base.outputSchema()), def.node(), def.extendsNode(),
                def.tools() != null ? def.toolsNode() : base.toolsNode());
    }

    private static <T> T or(T value, T inherited) {
        return value != null ? value : inherited;
    }

    static Persona build(PersonaDef def) {
        if (def.role() == null) {
            throw def.node().error("persona '" + def.id() + "' has no role (nor inherits one): every persona needs one");
        }
        try {
            OutputContract output = def.expectedOutput() == null && def.outputSchema() == null ? OutputContract.NONE
                    : new OutputContract(def.expectedOutput(), def.outputSchema());
            return new Persona(def.id(), def.role(), def.goal(), def.backstory(), def.instructions(), def.examples(),
                    def.model(), def.temperature(), def.tools(), def.maxToolRounds(), output);
        } catch (IllegalArgumentException e) {
            throw def.node().error(e.getMessage().replaceAll("\\.$", ""));
        }
    }
}
