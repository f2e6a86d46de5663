package dev.pier.apiserver.nks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pier.apiserver.meta.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The examples of docs/api.md: each {@code sh} block that is a curl command, and the {@code http} block after it
 * with the documented answer (status line, optional headers, blank line, optional JSON body).
 */
record ApiDocExamples(List<Example> examples) {
    /** One documented request and its answer. */
    record Example(String command, int status, Map<String, String> headers, JsonNode body) {
        /** The request line, for messages: e.g. {@code POST "$PIER/v1/clusters"}. */
        String title() {
            String first = command.lines().findFirst().orElse("");
            return first.length() > 140 ? first.substring(0, 140) + "…" : first;
        }
    }

    static ApiDocExamples read(Path markdown) throws IOException {
        List<String[]> blocks = new ArrayList<>(); // {language, text}
        String language = null;
        StringBuilder text = new StringBuilder();
        for (String line : Files.readAllLines(markdown)) {
            if (line.startsWith("```")) {
                if (language == null) {
                    language = line.substring(3).trim();
                    text.setLength(0);
                } else {
                    blocks.add(new String[]{language, text.toString()});
                    language = null;
                }
            } else if (language != null) {
                text.append(line).append('\n');
            }
        }
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i + 1 < blocks.size(); i++) {
            if (blocks.get(i)[0].equals("sh") && blocks.get(i)[1].startsWith("curl") && blocks.get(i + 1)[0].equals("http")) {
                examples.add(answer(blocks.get(i)[1].strip(), blocks.get(i + 1)[1]));
            }
        }
        return new ApiDocExamples(examples);
    }

    private static Example answer(String command, String http) throws IOException {
        List<String> lines = http.lines().toList();
        int status = Integer.parseInt(lines.getFirst().split(" ")[1]);
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        int i = 1;
        for (; i < lines.size() && !lines.get(i).isBlank(); i++) {
            String[] h = lines.get(i).split(":\\s*", 2);
            headers.put(h[0], h[1]);
        }
        String body = String.join("\n", lines.subList(Math.min(i, lines.size()), lines.size())).strip();
        return new Example(command, status, headers, body.isEmpty() ? null : Json.MAPPER.readTree(body));
    }

    /**
     * Where an actual answer differs from the documented one: every documented field must be there with the documented
     * value; {@code "…"} stands for any value, a string ending in {@code …} for any string starting so.
     */
    static List<String> differences(JsonNode documented, JsonNode actual) {
        List<String> out = new ArrayList<>();
        compare(documented, actual, "", out);
        return out;
    }

    private static void compare(JsonNode doc, JsonNode actual, String at, List<String> out) {
        if (doc.isTextual() && doc.asText().endsWith("…")) {
            String prefix = doc.asText().substring(0, doc.asText().length() - 1);
            if (!actual.isValueNode() || actual.isNull() || !actual.asText().startsWith(prefix)) {
                out.add(at + ": documented " + doc + ", answered " + actual);
            }
        } else if (doc.isObject()) {
            if (!actual.isObject()) {
                out.add(at + ": documented an object, answered " + actual);
                return;
            }
            doc.properties().forEach(e -> {
                if (!actual.has(e.getKey())) out.add(at + "." + e.getKey() + ": documented, not answered");
                else compare(e.getValue(), actual.get(e.getKey()), at + "." + e.getKey(), out);
            });
        } else if (doc.isArray()) {
            if (!actual.isArray() || actual.size() != doc.size()) {
                out.add(at + ": documented " + doc.size() + " items, answered " + actual);
                return;
            }
            for (int i = 0; i < doc.size(); i++) compare(doc.get(i), actual.get(i), at + "[" + i + "]", out);
        } else if (doc.isNumber() && actual.isNumber()) {
            if (doc.decimalValue().compareTo(actual.decimalValue()) != 0) out.add(at + ": documented " + doc + ", answered " + actual);
        } else if (!doc.equals(actual)) {
            out.add(at + ": documented " + doc + ", answered " + actual);
        }
    }
}
