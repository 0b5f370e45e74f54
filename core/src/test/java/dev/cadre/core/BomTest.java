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

    /** The part of a pom Maven Central requires besides name and description, from {@code <url>} to the issues. */
    static String publishingMetadata(String pom) {
        int start = pom.indexOf("  <url>");
        int end = pom.indexOf("</issueManagement>");
        assertThat(start).as("<url>").isPositive();
        assertThat(end).as("</issueManagement>").isGreaterThan(start);
        return pom.substring(start, end);
    }

    @Test
    void theBomRepeatsTheParentsLicenceScmAndDevelopersAndTheLicenceFileIsApache2() throws Exception {
        String parent = read(ROOT.resolve("pom.xml"));
        String metadata = publishingMetadata(parent);
        assertThat(publishingMetadata(read(ROOT.resolve("bom/pom.xml")))).isEqualTo(metadata);
        assertThat(metadata).contains("<name>Apache-2.0</name>", "<url>https://www.apache.org/licenses/LICENSE-2.0.txt</url>",
                "<connection>scm:git:https://github.com/cadre-dev/cadre.git</connection>", "<developer>", "<organization>");
        assertThat(metadata).doesNotContainIgnoringCase("example.com").doesNotContainIgnoringCase("todo");
        assertThat(read(ROOT.resolve("LICENSE"))).contains("Apache License", "Version 2.0, January 2004");
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
