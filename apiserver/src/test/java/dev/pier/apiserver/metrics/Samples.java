package dev.pier.apiserver.metrics;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The samples of a Prometheus text exposition, parsed for assertions. */
public record Samples(List<Sample> all, List<String> families) {
    /** One line {@code name{k="v",...} value}. */
    public record Sample(String name, Map<String, String> labels, double value) {
        boolean has(Map<String, String> wanted) {
            return wanted.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
        }
    }

    public static Samples parse(byte[] text) {
        return parse(new String(text, StandardCharsets.UTF_8));
    }

    public static Samples parse(String text) {
        List<Sample> samples = new ArrayList<>();
        List<String> families = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) families.add(line.split(" ")[2]);
            if (line.isBlank() || line.startsWith("#")) continue;
            samples.add(sample(line));
        }
        return new Samples(samples, families);
    }

    private static Sample sample(String line) {
        int brace = line.indexOf('{');
        int space = line.lastIndexOf(' ');
        if (brace < 0 || brace > space) return new Sample(line.substring(0, space), Map.of(), Double.parseDouble(line.substring(space + 1)));
        Map<String, String> labels = new LinkedHashMap<>();
        int i = brace + 1;
        while (line.charAt(i) != '}') {
            int eq = line.indexOf('=', i);
            String name = line.substring(i, eq);
            StringBuilder value = new StringBuilder();
            int j = eq + 2; // past ="
            while (line.charAt(j) != '"') {
                if (line.charAt(j) == '\\') j++;
                value.append(line.charAt(j++));
            }
            labels.put(name, value.toString());
            i = j + 1;
            if (line.charAt(i) == ',') i++;
        }
        return new Sample(line.substring(0, brace), labels, Double.parseDouble(line.substring(line.indexOf(' ', i) + 1)));
    }

    /** The samples of one metric whose labels include every pair of {@code labels}. */
    public List<Sample> find(String name, Map<String, String> labels) {
        return all.stream().filter(s -> s.name().equals(name) && s.has(labels)).toList();
    }

    /** The value of the one sample matching, failing if there is not exactly one. */
    public double value(String name, Map<String, String> labels) {
        List<Sample> found = find(name, labels);
        if (found.size() != 1) throw new AssertionError("expected one sample " + name + labels + " but found " + found);
        return found.getFirst().value();
    }
}
