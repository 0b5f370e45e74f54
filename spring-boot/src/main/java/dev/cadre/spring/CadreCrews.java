package dev.cadre.spring;

import dev.cadre.api.crew.Crew;
import dev.cadre.personas.CrewFile;
import dev.cadre.personas.CrewLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.ResourcePatternResolver;

/** The crews of the application's crew files ({@code cadre.crews}, default {@code classpath*:crews/*.yaml}), by name. */
public final class CadreCrews {

    private final Map<String, CrewFile> crews;

    CadreCrews(Map<String, CrewFile> crews) {
        this.crews = Collections.unmodifiableMap(new LinkedHashMap<>(crews));
    }

    /** Loads every crew file the patterns find; a file with a mistake fails the application's start, naming it. */
    static CadreCrews load(ResourcePatternResolver resolver, List<String> patterns, CrewLoader loader) {
        Map<String, CrewFile> crews = new LinkedHashMap<>();
        for (String pattern : patterns) {
            try {
                for (Resource resource : resolver.getResources(pattern)) {
                    String fileName = resource.getFilename() == null ? resource.getDescription() : resource.getFilename();
                    String text = resource.getContentAsString(StandardCharsets.UTF_8);
                    CrewFile file = loader.load(fileName, text);
                    Crew crew = file.crew();
                    CrewFile before = crews.putIfAbsent(crew.name(), file);
                    if (before != null) {
                        throw new IllegalStateException("Two crew files define the crew '" + crew.name() + "': the second is "
                                + resource.getDescription() + ".");
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read the crew files of '" + pattern + "' (cadre.crews): " + e.getMessage(), e);
            }
        }
        return new CadreCrews(crews);
    }

    public Set<String> names() {
        return crews.keySet();
    }

    /** The crew named {@code name}; an unknown name is an {@link IllegalArgumentException} that lists the crews. */
    public Crew get(String name) {
        CrewFile crew = crews.get(name);
        if (crew == null) {
            throw new IllegalArgumentException("There is no crew '" + name + "'; crews: "
                    + (crews.isEmpty() ? "none (put crew files in src/main/resources/crews/)" : String.join(", ", crews.keySet())) + ".");
        }
        return crew.crew();
    }

    /** The crew files as loaded (their inputs too), for the web console and the MCP endpoint. */
    Map<String, CrewFile> files() {
        return crews;
    }
}
