package dev.pier.apiserver.meta;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.ApiException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A parsed {@code fieldSelector}: comma-separated {@code field=value}, {@code field==value} or
 * {@code field!=value} terms over the fields a kind supports. An unsupported field is a 400,
 * as in Kubernetes ("field label not supported").
 */
public final class FieldSelector {
    public static final FieldSelector EVERYTHING = new FieldSelector(List.of());

    private record Term(String field, Function<ObjectNode, String> reader, String value, boolean equals) {
    }

    private final List<Term> terms;

    private FieldSelector(List<Term> terms) {
        this.terms = terms;
    }

    public boolean isEverything() {
        return terms.isEmpty();
    }

    public boolean matches(ObjectNode object) {
        for (Term t : terms) {
            String actual = t.reader.apply(object);
            if (actual == null) actual = "";
            if (actual.equals(t.value) != t.equals) return false;
        }
        return true;
    }

    /** The value required for {@code field} by an equality term, or null; lets a list narrow by name. */
    public String required(String field) {
        for (Term t : terms) {
            if (t.equals && t.field.equals(field)) return t.value;
        }
        return null;
    }

    /**
     * @param supported the kind's selectable fields; {@code metadata.name} and {@code metadata.namespace} are added
     */
    public static FieldSelector parse(String text, String resource, Map<String, Function<ObjectNode, String>> supported) {
        if (text == null || text.isBlank()) return EVERYTHING;
        List<Term> terms = new ArrayList<>();
        for (String part : splitTerms(text)) {
            String p = part.trim();
            if (p.isEmpty()) continue;
            int idx;
            boolean equals = true;
            int opLen;
            if ((idx = p.indexOf("!=")) >= 0) {
                equals = false;
                opLen = 2;
            } else if ((idx = p.indexOf("==")) >= 0) {
                opLen = 2;
            } else if ((idx = p.indexOf('=')) >= 0) {
                opLen = 1;
            } else {
                throw ApiException.badRequest("invalid selector: '" + text + "'; can't understand '" + p + "'");
            }
            String field = p.substring(0, idx).trim();
            String value = unescape(p.substring(idx + opLen).trim());
            Function<ObjectNode, String> reader = switch (field) {
                case "metadata.name" -> o -> o.path("metadata").path("name").asText("");
                case "metadata.namespace" -> o -> o.path("metadata").path("namespace").asText("");
                default -> supported.get(field);
            };
            if (reader == null) {
                throw ApiException.badRequest("\"" + field + "\" is not a known field selector: only \""
                        + "metadata.name\", \"metadata.namespace\""
                        + supported.keySet().stream().sorted().map(k -> ", \"" + k + "\"").reduce("", String::concat));
            }
            terms.add(new Term(field, reader, value, equals));
        }
        return new FieldSelector(List.copyOf(terms));
    }

    /** Splits on commas not escaped with a backslash (Kubernetes escapes {@code ,}, {@code =}, {@code \} in values). */
    private static List<String> splitTerms(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                cur.append(c).append(text.charAt(++i));
            } else if (c == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }

    private static String unescape(String v) {
        return v.replace("\\,", ",").replace("\\=", "=").replace("\\\\", "\\");
    }
}
