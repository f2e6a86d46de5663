package dev.pier.apiserver.errors;

/**
 * A typed path to a field of an object, rendered the way Kubernetes prints it:
 * {@code spec.containers[0].image}, {@code metadata.labels[app]}.
 */
public final class FieldPath {
    private final FieldPath parent;
    private final String segment;

    private FieldPath(FieldPath parent, String segment) {
        this.parent = parent;
        this.segment = segment;
    }

    public static FieldPath root(String name) {
        return new FieldPath(null, name);
    }

    public FieldPath child(String name) {
        return new FieldPath(this, "." + name);
    }

    public FieldPath index(int i) {
        return new FieldPath(this, "[" + i + "]");
    }

    public FieldPath key(String key) {
        return new FieldPath(this, "[" + key + "]");
    }

    @Override
    public String toString() {
        return parent == null ? segment : parent + segment;
    }
}
