package dev.pier.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The test manifests in src/test/resources/manifests: one realistic object of every built-in kind. */
final class Manifests {
    private Manifests() {
    }

    /** Writes the manifests for {@code namespace} into {@code target} (created) and returns it. */
    static Path render(Path target, String namespace) {
        try {
            Path source = Path.of(Manifests.class.getResource("/manifests").toURI());
            Files.createDirectories(target);
            try (Stream<Path> files = Files.list(source)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                    Files.writeString(target.resolve(f.getFileName().toString()),
                            Files.readString(f).replace("${NAMESPACE}", namespace));
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every YAML document of the *.yaml files in {@code dir}, in file order. */
    static List<JsonNode> documents(Path dir) {
        List<JsonNode> docs = new ArrayList<>();
        YAMLMapper yaml = new YAMLMapper();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                try (MappingIterator<JsonNode> it = yaml.readerFor(JsonNode.class).readValues(f.toFile())) {
                    while (it.hasNext()) {
                        JsonNode d = it.next();
                        if (d != null && d.isObject()) docs.add(d);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return docs;
    }

    /** The objects in kubectl's JSON output: one object, a List, or several objects one after another. */
    static List<JsonNode> objects(String kubectlJson) {
        List<JsonNode> out = new ArrayList<>();
        try (MappingIterator<JsonNode> it = new ObjectMapper().readerFor(JsonNode.class).readValues(kubectlJson)) {
            while (it.hasNext()) {
                JsonNode n = it.next();
                if (n.path("kind").asText().equals("List")) n.path("items").forEach(out::add);
                else if (n.isObject()) out.add(n);
            }
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + kubectlJson, e);
        }
        return out;
    }
}
