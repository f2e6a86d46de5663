package dev.pier.apiserver.metrics;

/**
 * The cell and object type of a storage key, for storage metrics. Keys are
 * {@code /registry/<cell>/<group>/<resource>/...} (see {@code Keys}) and {@code /pier/cells/<cell>/...}.
 */
final class StorageKeys {
    private static final String REGISTRY = "/registry/";
    private static final String CELLS = "/pier/cells/";

    /** @param cell "" when the key belongs to no cell */
    record Labels(String cell, String type) {
    }

    private StorageKeys() {
    }

    static Labels of(String key) {
        if (key.startsWith(REGISTRY)) {
            String[] p = key.substring(REGISTRY.length()).split("/", 4);
            if (p.length < 3 || p[1].isEmpty() || p[2].isEmpty()) return new Labels(p[0], "");
            return new Labels(p[0], p[1].equals("core") ? p[2] : p[2] + "." + p[1]);
        }
        if (key.startsWith(CELLS)) {
            String rest = key.substring(CELLS.length());
            int slash = rest.indexOf('/');
            return new Labels(slash < 0 ? rest : rest.substring(0, slash), "pier.cells");
        }
        return new Labels("", "other");
    }
}
