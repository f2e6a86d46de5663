package dev.pier.apiserver.resources.pier;

import java.util.List;
import java.util.Optional;

/**
 * The fixed catalogue of machine flavors (decision 019): what a node group's {@code flavor} may name, and the
 * allocatable its nodes report.
 */
public final class Flavors {
    /** One flavor: its name, CPUs and memory. */
    public record Flavor(String name, int cpus, int memoryMib) {
    }

    public static final Flavor SMALL = new Flavor("m1.small", 1, 1024);
    public static final Flavor MEDIUM = new Flavor("m1.medium", 2, 4096);
    public static final Flavor LARGE = new Flavor("m1.large", 4, 8192);
    /** The flavor of a node group that names none. */
    public static final Flavor DEFAULT = SMALL;

    private static final List<Flavor> ALL = List.of(SMALL, MEDIUM, LARGE);

    private Flavors() {
    }

    /** Every flavor, smallest first. */
    public static List<Flavor> all() {
        return ALL;
    }

    public static Optional<Flavor> find(String name) {
        return ALL.stream().filter(f -> f.name().equals(name)).findFirst();
    }

    public static List<String> names() {
        return ALL.stream().map(Flavor::name).toList();
    }
}
