package dev.pier.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Rows under upper-case headers in columns three spaces apart, as {@code kubectl get} prints them. */
final class Table {
    private static final String GAP = "   ";
    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();

    Table(String... headers) {
        this.headers = List.of(headers);
    }

    /** Adds a row; a null cell shows as {@code <none>}, as kubectl shows a missing value. */
    Table row(String... cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException("a row of " + cells.length + " cells in a table of " + headers.size() + " columns");
        }
        rows.add(Arrays.stream(cells).map(c -> c == null || c.isEmpty() ? "<none>" : c).toList());
        return this;
    }

    String render() {
        int[] widths = headers.stream().mapToInt(String::length).toArray();
        for (List<String> row : rows) {
            for (int i = 0; i < widths.length; i++) widths[i] = Math.max(widths[i], row.get(i).length());
        }
        StringBuilder text = new StringBuilder();
        line(text, headers, widths);
        rows.forEach(row -> line(text, row, widths));
        return text.toString();
    }

    private static void line(StringBuilder text, List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) line.append(GAP);
            line.append(cells.get(i));
            // the last column is not padded, so lines carry no trailing spaces
            if (i < cells.size() - 1) line.append(" ".repeat(widths[i] - cells.get(i).length()));
        }
        text.append(line).append('\n');
    }
}
