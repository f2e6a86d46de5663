package dev.pier.apiserver.meta;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pier.apiserver.errors.ApiException;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A parsed {@code labelSelector} query: comma-separated requirements, all of which must hold.
 * Operators: {@code =}, {@code ==}, {@code !=}, {@code in (a,b)}, {@code notin (a,b)}, {@code key}, {@code !key}.
 */
public final class LabelSelector {
    public static final LabelSelector EVERYTHING = new LabelSelector(List.of());

    enum Op { EQUALS, NOT_EQUALS, IN, NOT_IN, EXISTS, NOT_EXISTS }

    record Requirement(String key, Op op, Set<String> values) {
        boolean matches(JsonNode labels) {
            JsonNode v = labels.get(key);
            boolean has = v != null && v.isTextual();
            return switch (op) {
                case EXISTS -> has;
                case NOT_EXISTS -> !has;
                case EQUALS, IN -> has && values.contains(v.asText());
                case NOT_EQUALS, NOT_IN -> !has || !values.contains(v.asText());
            };
        }
    }

    private final List<Requirement> requirements;

    private LabelSelector(List<Requirement> requirements) {
        this.requirements = List.copyOf(requirements);
    }

    public boolean isEverything() {
        return requirements.isEmpty();
    }

    /** @param labels the object's metadata.labels (may be missing) */
    public boolean matches(JsonNode labels) {
        JsonNode l = labels == null || labels.isMissingNode() ? com.fasterxml.jackson.databind.node.NullNode.instance : labels;
        for (Requirement r : requirements) {
            if (!r.matches(l)) return false;
        }
        return true;
    }

    /** Parses the query form; a malformed selector is a 400 naming it. */
    public static LabelSelector parse(String text) {
        if (text == null || text.isBlank()) return EVERYTHING;
        return new Parser(text).parse();
    }

    private static final class Parser {
        private final String s;
        private int i;

        Parser(String s) {
            this.s = s;
        }

        LabelSelector parse() {
            List<Requirement> out = new ArrayList<>();
            while (true) {
                skipSpace();
                out.add(requirement());
                skipSpace();
                if (i >= s.length()) break;
                expect(',');
            }
            return new LabelSelector(out);
        }

        private Requirement requirement() {
            if (peek() == '!') {
                i++;
                skipSpace();
                return new Requirement(key(), Op.NOT_EXISTS, Set.of());
            }
            String key = key();
            skipSpace();
            if (i >= s.length() || peek() == ',') return new Requirement(key, Op.EXISTS, Set.of());
            if (s.startsWith("==", i)) {
                i += 2;
                return new Requirement(key, Op.EQUALS, Set.of(value()));
            }
            if (s.startsWith("!=", i)) {
                i += 2;
                return new Requirement(key, Op.NOT_EQUALS, Set.of(value()));
            }
            if (peek() == '=') {
                i++;
                return new Requirement(key, Op.EQUALS, Set.of(value()));
            }
            if (word("notin")) return new Requirement(key, Op.NOT_IN, valueSet());
            if (word("in")) return new Requirement(key, Op.IN, valueSet());
            throw error("unexpected '" + peek() + "'");
        }

        private boolean word(String w) {
            if (s.startsWith(w, i) && i + w.length() < s.length()
                    && (Character.isWhitespace(s.charAt(i + w.length())) || s.charAt(i + w.length()) == '(')) {
                i += w.length();
                return true;
            }
            return false;
        }

        private Set<String> valueSet() {
            skipSpace();
            expect('(');
            Set<String> values = new java.util.LinkedHashSet<>();
            while (true) {
                skipSpace();
                if (peek() == ')') break;
                values.add(token());
                skipSpace();
                if (peek() == ',') i++;
                else if (peek() != ')') throw error("expected ',' or ')'");
            }
            i++;
            if (values.isEmpty()) throw error("for 'in' and 'notin' operators, values set can't be empty");
            return values;
        }

        private String key() {
            String k = token();
            if (k.isEmpty()) throw error("label key is empty");
            return k;
        }

        private String value() {
            skipSpace();
            return token();
        }

        private String token() {
            int start = i;
            while (i < s.length()) {
                char c = s.charAt(i);
                if (Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.' || c == '/') i++;
                else break;
            }
            return s.substring(start, i);
        }

        private void skipSpace() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        }

        private char peek() {
            return i < s.length() ? s.charAt(i) : '\0';
        }

        private void expect(char c) {
            if (peek() != c) throw error("expected '" + c + "'");
            i++;
        }

        private ApiException error(String why) {
            return ApiException.badRequest("unable to parse requirement: found '" + s + "': " + why);
        }
    }
}
