package dev.pier.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One short-lived command of the real Pier binary ({@code pier image push ...}): its exit code and output. */
final class PierCli {
    private static final long TIMEOUT_SECONDS = 120;

    record Result(int exitCode, String output) {
    }

    private PierCli() {
    }

    /** Runs {@code pier ARGS...} in {@code workDir} and waits for its exit; stdout and stderr together. */
    static Result run(Path workDir, String... args) {
        List<String> cmd = new ArrayList<>(List.of(PierProcess.JAVA.toString(), "-XX:TieredStopAtLevel=1",
                "--enable-native-access=ALL-UNNAMED", "-jar", PierProcess.JAR.toString()));
        cmd.addAll(List.of(args));
        try {
            Path out = Files.createTempFile(workDir, "pier-cli-", ".out");
            ProcessBuilder builder = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            // the cluster commands read it; a developer's own must not point a test at another server
            builder.environment().remove("PIER_KUBECONFIG");
            Process p = builder.start();
            try {
                if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    throw new AssertionError("pier " + String.join(" ", args) + " did not finish within " + TIMEOUT_SECONDS
                            + " s; output:\n" + Files.readString(out));
                }
            } finally {
                p.destroyForcibly();
            }
            return new Result(p.exitValue(), Files.readString(out));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
