package dev.pier.apiserver.resources.pier;

import java.util.List;
import java.util.Optional;

/**
 * The fixed catalogue of machine sizes a node group or machine may ask for (decision 019). A flavor is
 * enforced as its node's allocatable CPU and memory.
 */
public final class Flavors {
    private static final long GIB = 1024L * 1024 * 1024;

    /** A machine size: its name, whole CPUs and memory in bytes. */
    public record Flavor(String name, int cpus, long memoryBytes) {
    }

    public static final Flavor SMALL = new Flavor("m1.small", 1, GIB);
    public static final Flavor MEDIUM = new Flavor("m1.medium", 2, 4 * GIB);
    public static final Flavor LARGE = new Flavor("m1.large", 4, 8 * GIB);
    /** What a node group gets when it names no flavor. */
    public static final Flavor DEFAULT = SMALL;

    private static final List<Flavor> ALL = List.of(SMALL, MEDIUM, LARGE);

    private Flavors() {
    }

    public static List<Flavor> all() {
        return ALL;
    }

    public static List<String> names() {
        return ALL.stream().map(Flavor::name).toList();
    }

    public static Optional<Flavor> find(String name) {
        return ALL.stream().filter(f -> f.name().equals(name)).findFirst();
    }
}
