package dev.cadre.mcp.internal;

import dev.cadre.api.CrewSource;
import dev.cadre.mcp.McpServerConfig;
import dev.cadre.personas.BuiltInCrews;
import dev.cadre.personas.CrewFile;
import dev.cadre.personas.CrewLoader;
import dev.cadre.tools.Workspace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The crews a server offers as tools: the built-in ones (unless turned off), then the configured crew files (one of a
 * built-in crew's name replaces it), then crews loaded already. Every crew is loaded when the server starts, so a bad
 * file is one clear error then: for the server's root, or, without one, for an empty scratch directory; a crew file
 * then runs as loaded for the client's root, once per root (at most {@link #MAX_ROOTS} kept); one whose agents use
 * no tools runs as checked, so it needs no root.
 */
public final class CrewCatalog {

    /** How many client roots' loaded crews are kept. */
    public static final int MAX_ROOTS = 16;

    /**
     * One crew.
     *
     * @param loaded the crew as checked at start (what runs when the server has a root, or the crew was given loaded)
     * @param source its file, to load for a client's root; {@code null} for a crew given loaded
     */
    public record Entry(String name, String description, CrewFile loaded, CrewSource source) {

        /** Whether any of its agents has a tool to call. */
        public boolean usesTools() {
            return loaded.crew().agents().stream().anyMatch(a -> !a.tools().isEmpty());
        }

        /** Its agents that have tools, each named once. */
        public List<String> agentsWithTools() {
            return loaded.crew().agents().stream().filter(a -> !a.tools().isEmpty()).map(a -> a.id()).distinct().toList();
        }
    }

    private final Map<String, Entry> entries;
    private final Function<Workspace, CrewLoader> loader;
    private final boolean hasRoot;
    private final Map<Path, Map<String, CrewFile>> byRoot = new ConcurrentHashMap<>();

    private CrewCatalog(Map<String, Entry> entries, Function<Workspace, CrewLoader> loader, boolean hasRoot) {
        this.entries = entries;
        this.loader = loader;
        this.hasRoot = hasRoot;
    }

    /** The crews of {@code config}, each loaded once to check it. */
    public static CrewCatalog load(McpServerConfig config) {
        List<CrewSource> sources = new ArrayList<>();
        if (config.builtInCrews()) {
            BuiltInCrews.NAMES.forEach(n -> sources.add(CrewSource.of(BuiltInCrews.fileName(n), BuiltInCrews.yaml(n))));
        }
        sources.addAll(config.crewSources());
        Map<String, Entry> entries = new LinkedHashMap<>();
        if (!sources.isEmpty()) {
            Path scratch = config.root() == null ? scratch() : null;
            try {
                CrewLoader check = config.crewLoader().apply(Workspace.at(config.root() != null ? config.root() : scratch));
                for (CrewSource source : sources) {
                    CrewFile file = check.load(source.origin(), source.text());
                    String name = file.crew().name();
                    entries.remove(name);
                    entries.put(name, new Entry(name, description(source.text()), file, source));
                }
            } finally {
                if (scratch != null) {
                    delete(scratch);
                }
            }
        }
        config.crews().forEach((name, file) -> {
            entries.remove(name);
            entries.put(name, new Entry(name, null, file, null));
        });
        return new CrewCatalog(entries, config.crewLoader(), config.root() != null);
    }

    public Collection<Entry> entries() {
        return entries.values();
    }

    /** Whether its crew files are loaded for each client's root (the server has none of its own). */
    public boolean perClientRoot() {
        return !hasRoot;
    }

    /** The crew of {@code entry} to run in {@code clientRoot} (ignored when the server has a root, or the crew was given loaded). */
    public CrewFile crewIn(Entry entry, Path clientRoot) {
        if (hasRoot || entry.source() == null) {
            return entry.loaded();
        }
        Path key = clientRoot.toAbsolutePath().normalize();
        Map<String, CrewFile> loaded = byRoot.get(key);
        if (loaded == null) {
            if (byRoot.size() >= MAX_ROOTS) {
                byRoot.clear();
            }
            loaded = byRoot.computeIfAbsent(key, r -> new ConcurrentHashMap<>());
        }
        return loaded.computeIfAbsent(entry.name(), n -> loader.apply(Workspace.at(key)).load(entry.source().origin(), entry.source().text()));
    }

    /** The top-level {@code description:} of a YAML crew file, or null. */
    static String description(String text) {
        return text.lines().filter(l -> l.startsWith("description:")).findFirst()
                .map(l -> l.substring("description:".length()).strip().replaceAll("^[\"']|[\"']$", ""))
                .filter(d -> !d.isEmpty()).orElse(null);
    }

    private static Path scratch() {
        try {
            return Files.createTempDirectory("cadre-crew-check-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot make a scratch directory to check the crews in: " + e.getMessage(), e);
        }
    }

    private static void delete(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a left-over empty scratch directory in the temp directory is harmless
        }
    }
}
