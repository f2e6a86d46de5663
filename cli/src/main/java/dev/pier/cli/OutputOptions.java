package dev.pier.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.function.BiFunction;

/** {@code -o}: a table (default) like kubectl get, or the REST API's JSON as it came, as JSON or YAML. */
final class OutputOptions {
    enum Format { table, json, yaml }

    // as kubectl prints YAML: no document marker, quotes only where a value needs them
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES).build());

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "table (default), json or yaml (the REST API's answer as it is).")
    Format format;

    /** Prints {@code answer}: the table {@code table} makes of it (ages as of now), or the answer itself. */
    void print(PrintWriter out, JsonNode answer, BiFunction<JsonNode, Instant, Table> table) {
        try {
            switch (format) {
                case table -> out.print(table.apply(answer, Instant.now()).render());
                case json -> out.println(PierApi.JSON.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsString(answer));
                case yaml -> out.print(YAML.writeValueAsString(answer));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.flush();
    }
}
