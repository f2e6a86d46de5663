package dev.pier.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real Pier binary ({@code ../cli/target/pier.jar}) in its own JVM: {@code pier server} or
 * {@code pier up}, on a free loopback port with a given data directory. {@link #start()} returns once
 * the server printed its ready line and wrote its kubeconfig(s).
 */
final class PierProcess implements AutoCloseable {
    static final Path JAR = Path.of(System.getProperty("pier.jar", "../cli/target/pier.jar")).toAbsolutePath().normalize();
    static final Path JAVA = Path.of(System.getProperty("pier.java", "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java"));
    /** Where the JVM keeps the class-data archive of pier.jar between starts (rebuilt when the jar changes). */
    static final String CDS_ARCHIVE = System.getProperty("pier.cds");
    private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final int BIND_ATTEMPTS = 5;

    private final Builder options;
    private final Path log;
    private Process process;
    private Thread killOnExit;
    private int port;
    private long logStart;

    private PierProcess(Builder options) {
        this.options = options;
        // the server's output goes to target/pier-logs (kept after the run, for failures) when configured
        String logs = System.getProperty("pier.logs");
        Path logDir = logs == null ? options.dataDir.getParent() : Path.of(logs);
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.log = logDir.resolve(options.dataDir.getParent().getFileName() + "-" + options.dataDir.getFileName() + ".log");
    }

    /** A {@code pier server} on {@code dataDir}. */
    static Builder server(Path dataDir) {
        return new Builder(dataDir, null);
    }

    /** A {@code pier up} on {@code dataDir} that also creates tenant cluster {@code cluster}. */
    static Builder up(Path dataDir, String cluster) {
        return new Builder(dataDir, cluster);
    }

    static final class Builder {
        private final Path dataDir;
        private final String cluster;
        private String etcdEndpoint;
        private Path tokenAuthFile;
        private final java.util.Map<String, String> environment = new java.util.LinkedHashMap<>();
        private final List<String> extraArgs = new ArrayList<>();
        private final List<String> jvmArgs = new ArrayList<>();

        private Builder(Path dataDir, String cluster) {
            this.dataDir = dataDir.toAbsolutePath();
            this.cluster = cluster;
        }

        Builder etcd(String endpoint) {
            this.etcdEndpoint = endpoint;
            return this;
        }

        Builder tokenAuthFile(Path file) {
            this.tokenAuthFile = file;
            return this;
        }

        /** More flags for the server command. */
        Builder args(String... args) {
            extraArgs.addAll(List.of(args));
            return this;
        }

        /** More options for the server's JVM (e.g. {@code -Djava.io.tmpdir=...}). */
        Builder jvmArgs(String... args) {
            jvmArgs.addAll(List.of(args));
            return this;
        }

        /** Sets an environment variable of the server process (e.g. {@code PIER_LOG_LEVEL}). */
        Builder env(String name, String value) {
            environment.put(name, value);
            return this;
        }

        /** Starts the server and waits until it is ready. */
        PierProcess start() {
            PierProcess p = new PierProcess(this);
            p.start();
            return p;
        }
    }

    Path dataDir() {
        return options.dataDir;
    }

    int port() {
        return port;
    }

    String url() {
        return "https://127.0.0.1:" + port;
    }

    /** The management cell's admin kubeconfig. */
    Path kubeconfig() {
        return options.dataDir.resolve("kubeconfig");
    }

    /** The tenant cluster's admin kubeconfig ({@code pier up} only). */
    Path clusterKubeconfig() {
        if (options.cluster == null) throw new IllegalStateException("not started with pier up");
        return options.dataDir.resolve("clusters").resolve(options.cluster).resolve("kubeconfig");
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** (Re)starts the server on the same data directory, on a fresh free port. */
    void start() {
        if (isAlive()) throw new IllegalStateException("already running");
        for (int attempt = 1; ; attempt++) {
            port = freePort();
            try {
                // a kubeconfig left by an earlier run must not be mistaken for this one's
                Files.deleteIfExists(kubeconfig());
                if (options.cluster != null) Files.deleteIfExists(clusterKubeconfig());
                Files.createDirectories(options.dataDir);
                Files.writeString(log, "=== pier " + String.join(" ", command()) + "\n", java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.APPEND);
                logStart = Files.size(log);
                ProcessBuilder builder = new ProcessBuilder(command());
                builder.environment().putAll(options.environment);
                process = builder
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + JAR, e);
            }
            Process started = process;
            killOnExit = new Thread(started::destroyForcibly);
            Runtime.getRuntime().addShutdownHook(killOnExit);
            try {
                awaitReady();
                return;
            } catch (AssertionError e) {
                boolean portTaken = !process.isAlive() && logText().contains("Address already in use");
                kill();
                if (!portTaken || attempt == BIND_ATTEMPTS) throw e;
            }
        }
    }

    private List<String> command() {
        // the launcher's flags (see ./pier), plus two that only make the many short-lived test servers start
        // faster on small machines: C1 only, and a class-data archive shared by every start of this jar
        List<String> cmd = new ArrayList<>(List.of(JAVA.toString(), "-XX:+UseZGC", "-Xss512k", "-Xmx1g",
                "--enable-native-access=ALL-UNNAMED"));
        if (!Boolean.getBoolean("pier.e2e.productionJvm")) {
            cmd.add("-XX:TieredStopAtLevel=1");
            if (CDS_ARCHIVE != null) {
                cmd.add("-XX:+AutoCreateSharedArchive");
                cmd.add("-XX:SharedArchiveFile=" + CDS_ARCHIVE);
                // the archive's dump at exit logs a warning per skipped class; keep the server log readable
                cmd.add("-Xlog:cds=off");
                cmd.add("-Xlog:cds+dynamic=off");
            }
        }
        cmd.addAll(options.jvmArgs);
        cmd.addAll(List.of("-jar", JAR.toString()));
        cmd.add(options.cluster == null ? "server" : "up");
        cmd.addAll(List.of("--data-dir", options.dataDir.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1"));
        if (options.cluster != null) cmd.addAll(List.of("--cluster", options.cluster));
        // pier up starts real nodes by default; tests of the API alone ask for none
        if (options.cluster != null && !options.extraArgs.contains("--nodes")) cmd.addAll(List.of("--nodes", "0"));
        if (options.etcdEndpoint != null) cmd.addAll(List.of("--store", "etcd", "--etcd-endpoints", options.etcdEndpoint));
        if (options.tokenAuthFile != null) cmd.addAll(List.of("--token-auth-file", options.tokenAuthFile.toString()));
        cmd.addAll(options.extraArgs);
        return cmd;
    }

    private void awaitReady() {
        String readyLine = options.cluster == null ? "Pier API server ready at " + url() : "Pier is up.";
        Await.until(STARTUP_TIMEOUT, () -> "Pier to be ready (" + readyLine + ") on port " + port
                        + (process.isAlive() ? "" : ", but it exited with " + process.exitValue()) + "; log:\n" + logTail(),
                () -> {
                    if (!process.isAlive()) throw new AssertionError("Pier exited with " + process.exitValue()
                            + " before it was ready; log:\n" + logTail());
                    return logText().contains(readyLine) && Files.isRegularFile(kubeconfig())
                            && (options.cluster == null || Files.isRegularFile(clusterKubeconfig()));
                });
    }

    /** SIGTERM, then waits for the exit; returns the exit code. */
    int stop() {
        if (process == null) return 0;
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                kill();
                throw new AssertionError("Pier did not stop within " + STOP_TIMEOUT + " of SIGTERM; log:\n" + logTail());
            }
        } catch (InterruptedException e) {
            kill();
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        removeHook();
        return process.exitValue();
    }

    /** SIGKILL ({@code kill -9}): no shutdown hook, no flush, nothing. */
    void kill() {
        if (process == null) return;
        process.destroyForcibly();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("Pier (pid " + process.pid() + ") survived SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        removeHook();
    }

    private void removeHook() {
        if (killOnExit == null) return;
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is exiting and the hook will run anyway
        }
        killOnExit = null;
    }

    @Override
    public void close() {
        if (isAlive()) kill();
    }

    /** What the current (or last) run of the server printed. */
    String logText() {
        try {
            byte[] all = Files.readAllBytes(log);
            int from = (int) Math.min(logStart, all.length);
            return new String(all, from, all.length - from, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    String logTail() {
        String text = logText();
        return text.length() <= 6000 ? text : "..." + text.substring(text.length() - 6000);
    }

    /** The agent of a node of {@code pier up}: a process whose machine environment names it, in this data directory. */
    ProcessHandle agentProcess(String node) {
        String data = dataDir().toString();
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains(" agent ")).filter(p -> {
            try {
                String env = Files.readString(Path.of("/proc", Long.toString(p.pid()), "environ"));
                return env.contains("PIER_MACHINE_NAME=" + node + "\0") && env.contains("PIER_MACHINE_DIR=" + data);
            } catch (IOException e) {
                return false;
            }
        }).findFirst().orElseThrow(() -> new AssertionError("no agent process of " + node));
    }

    /** What the agents of a node of {@code pier up} wrote, every run of it. */
    String agentLog(String node) {
        try {
            return Files.readString(dataDir().resolve("machines").resolve(node).resolve("logs").resolve("agent.log"));
        } catch (IOException e) {
            return "";
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
