package dev.pier.e2e;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the real {@code kubectl} against one kubeconfig, with a discovery cache of its own, a deadline
 * per call and no standard input (so it never prompts).
 */
final class Kubectl {
    static final String BINARY = System.getenv().getOrDefault("PIER_KUBECTL", "kubectl");
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final Path kubeconfig;
    private final Path cacheDir;
    private final Path scratch;

    /** @param scratch a directory for the cache and the captured output */
    Kubectl(Path kubeconfig, Path scratch) {
        this.kubeconfig = kubeconfig;
        this.scratch = scratch;
        this.cacheDir = scratch.resolve("kube-cache");
    }

    Path kubeconfig() {
        return kubeconfig;
    }

    /** The result of one kubectl run. */
    record Result(List<String> args, int exitCode, String stdout, String stderr) {
        Result assertOk() {
            assertThat(exitCode).as("kubectl %s failed:\nstdout: %s\nstderr: %s", String.join(" ", args), stdout, stderr)
                    .isZero();
            return this;
        }

        Result assertFails() {
            assertThat(exitCode).as("kubectl %s should have failed:\nstdout: %s\nstderr: %s", String.join(" ", args), stdout, stderr)
                    .isNotZero();
            return this;
        }

        @Override
        public String toString() {
            return "kubectl " + String.join(" ", args) + " -> " + exitCode + "\nstdout: " + stdout + "\nstderr: " + stderr;
        }
    }

    /** {@code kubectl apply -f -} of a manifest; fails the test if kubectl does. */
    void apply(String manifest) {
        runWithInput(manifest, "apply", "-f", "-").assertOk();
    }

    /** {@code kubectl <args> -o json}, parsed. */
    com.fasterxml.jackson.databind.JsonNode json(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("-o", "json"));
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(ok(all.toArray(String[]::new)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The items of {@code kubectl get <args> -o json}. */
    List<com.fasterxml.jackson.databind.JsonNode> items(String... args) {
        List<String> all = new ArrayList<>(List.of("get"));
        all.addAll(List.of(args));
        List<com.fasterxml.jackson.databind.JsonNode> out = new ArrayList<>();
        json(all.toArray(String[]::new)).path("items").forEach(out::add);
        return out;
    }

    /** Runs kubectl and returns whatever happened. */
    Result run(String... args) {
        return run(null, DEFAULT_TIMEOUT, args);
    }

    /** Runs kubectl with {@code stdin} as its standard input (e.g. for {@code -f -}). */
    Result runWithInput(String stdin, String... args) {
        return run(stdin, DEFAULT_TIMEOUT, args);
    }

    /** Runs kubectl, requires exit 0, returns stdout. */
    String ok(String... args) {
        return run(args).assertOk().stdout();
    }

    /** Runs kubectl, requires a non-zero exit, returns stderr. */
    String fails(String... args) {
        return run(args).assertFails().stderr();
    }

    Result run(String stdin, Duration timeout, String... args) {
        try {
            Files.createDirectories(scratch);
            Path out = Files.createTempFile(scratch, "kubectl-", ".out");
            Path err = Files.createTempFile(scratch, "kubectl-", ".err");
            ProcessBuilder pb = builder(args).redirectOutput(out.toFile()).redirectError(err.toFile());
            Path in = null;
            if (stdin != null) {
                in = Files.createTempFile(scratch, "kubectl-", ".in");
                Files.writeString(in, stdin);
                pb.redirectInput(in.toFile());
            }
            Process p = pb.start();
            try {
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                    throw new AssertionError("kubectl " + String.join(" ", args) + " did not finish within " + timeout
                            + "\nstdout: " + Files.readString(out) + "\nstderr: " + Files.readString(err));
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
            Result r = new Result(List.of(args), p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            if (in != null) Files.deleteIfExists(in);
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts a long-running kubectl (e.g. {@code get -w}); stop it with {@link Background#close()}. */
    Background background(String... args) {
        try {
            Files.createDirectories(scratch);
            Path out = Files.createTempFile(scratch, "kubectl-bg-", ".out");
            Path err = Files.createTempFile(scratch, "kubectl-bg-", ".err");
            Process p = builder(args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            return new Background(List.of(args), p, out, err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ProcessBuilder builder(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(BINARY);
        cmd.add("--kubeconfig=" + kubeconfig);
        cmd.add("--cache-dir=" + cacheDir);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(new File("/dev/null"));
        pb.environment().remove("KUBECONFIG");
        pb.environment().remove("KUBECACHEDIR");
        pb.environment().put("HOME", scratch.toString()); // nothing from the user's ~/.kube
        return pb;
    }

    /** A kubectl running in the background, its output captured to files. */
    static final class Background implements AutoCloseable {
        private final List<String> args;
        private final Process process;
        private final Path out;
        private final Path err;

        Background(List<String> args, Process process, Path out, Path err) {
            this.args = args;
            this.process = process;
            this.out = out;
            this.err = err;
        }

        String stdout() {
            return read(out);
        }

        String stderr() {
            return read(err);
        }

        boolean isAlive() {
            return process.isAlive();
        }

        /** Waits until stdout satisfies {@code condition}, failing (with what was seen) after {@code timeout}. */
        void awaitStdout(Duration timeout, String what, Predicate<String> condition) {
            Await.until(timeout, () -> what + " in the output of kubectl " + String.join(" ", args)
                    + (process.isAlive() ? "" : " (exited " + process.exitValue() + ")")
                    + "\nstdout: " + stdout() + "\nstderr: " + stderr(), () -> condition.test(stdout()));
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }

        private static String read(Path p) {
            try {
                return Files.readString(p, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
