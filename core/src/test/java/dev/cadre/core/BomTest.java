package dev.cadre.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** cadre-bom has no parent (so it pins nothing of the build): it must keep up with the parent pom by itself. */
class BomTest {

    static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    static String read(Path file) throws Exception {
        return Files.readString(file);
    }

    static String property(String pom, String name) {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(pom);
        assertThat(m.find()).as(name).isTrue();
        return m.group(1);
    }

    @Test
    void theBomPinsTheLangChain4jReactorAndJacksonTheBuildUsesAndItsOwnVersion() throws Exception {
        String parent = read(ROOT.resolve("pom.xml"));
        String bom = read(ROOT.resolve("bom/pom.xml"));
        for (String name : List.of("langchain4j.version", "reactor-bom.version", "jackson-bom.version", "slf4j.version")) {
            assertThat(property(bom, name)).as(name).isEqualTo(property(parent, name));
        }
        assertThat(property(bom.substring(bom.indexOf("<artifactId>cadre-bom")), "version"))
                .isEqualTo(property(parent.substring(parent.indexOf("<artifactId>cadre-parent")), "version"));
    }

    @Test
    void everyLibraryArtifactIsInTheBom() throws Exception {
        String bom = read(ROOT.resolve("bom/pom.xml"));
        Set<String> notLibraries = Set.of("cadre-cli", "cadre-samples", "cadre-benchmarks", "cadre-architecture", "cadre-bom");
        Set<String> missing = new TreeSet<>();
        try (Stream<Path> modules = Files.list(ROOT)) {
            for (Path pom : modules.map(dir -> dir.resolve("pom.xml")).filter(Files::exists).toList()) {
                String text = read(pom);
                int parentEnd = text.indexOf("</parent>");
                if (parentEnd < 0) {
                    continue;
                }
                String artifact = property(text.substring(parentEnd), "artifactId");
                boolean published = !text.contains("<maven.deploy.skip>true</maven.deploy.skip>");
                if (published && !notLibraries.contains(artifact) && !bom.contains("<artifactId>" + artifact + "</artifactId>")) {
                    missing.add(artifact);
                }
            }
        }
        assertThat(missing).as("library modules missing from bom/pom.xml").isEmpty();
    }
}
