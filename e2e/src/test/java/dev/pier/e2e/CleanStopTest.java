package dev.pier.e2e;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Starting and stopping {@code pier server} (SIGTERM) leaves nothing in the JVM's temporary directory: the
 * shutdown ends in {@code Runtime.halt}, so a file deleted only on exit (as sqlite-jdbc's native library
 * is by default) would stay there at every stop. The server gets a temporary directory of this test's own, so
 * other processes' files in /tmp cannot disturb the check.
 */
class CleanStopTest {
    private Path work;

    @BeforeEach
    void createWork() throws IOException {
        work = Files.createTempDirectory("pier-e2e-clean-stop-");
    }

    @AfterEach
    void deleteWork() {
        TempDirs.delete(work);
    }

    @Test
    void stopLeavesNothingInTheTempDirectoryAndReusesOneNativeLibrary() throws IOException {
        Path tmp = Files.createDirectories(work.resolve("tmp"));
        Path data = work.resolve("data");
        for (int run = 1; run <= 2; run++) {
            try (PierProcess pier = PierProcess.server(data).jvmArgs("-Djava.io.tmpdir=" + tmp).start()) {
                assertThat(pier.stop()).as("exit code of a SIGTERM stop").isZero();
            }
            assertThat(list(tmp)).as("the server's temporary directory after stop %d", run).isEmpty();
        }
        // every start loads the same copy kept in the data directory: one file, not one per start
        assertThat(list(data.resolve(".native"))).containsExactly("libsqlitejdbc.so");
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
