package dev.pier.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

final class TempDirs {
    private TempDirs() {
    }

    /** Deletes a test's work directory, unless PIER_E2E_KEEP is set (to look at logs and data after a run). */
    static void delete(Path root) {
        if (root == null || System.getenv("PIER_E2E_KEEP") != null) return;
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }
}
