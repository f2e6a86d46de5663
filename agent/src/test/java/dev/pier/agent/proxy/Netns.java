package dev.pier.agent.proxy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Network namespaces a test makes, and commands run in them through {@code nsenter --net}; {@link #close()}
 * deletes every namespace made (their veths go with them) and stops the servers started.
 */
final class Netns implements AutoCloseable {
    record Run(int exit, String out, String err, long millis) {
    }

    private final String prefix;
    private final List<String> made = new ArrayList<>();
    private final List<Process> servers = new ArrayList<>();

    Netns(String prefix) {
        this.prefix = prefix;
    }

    String name(String shortName) {
        return prefix + shortName;
    }

    String add(String shortName) {
        String ns = name(shortName);
        host("ip", "netns", "add", ns);
        made.add(ns);
        in(shortName, "ip", "link", "set", "lo", "up");
        return ns;
    }

    static List<String> enter(String ns) {
        return List.of("nsenter", "--net=/run/netns/" + ns);
    }

    /** Runs a command in the namespace {@code shortName}, failing the test unless it exits 0. */
    Run in(String shortName, String... command) {
        List<String> full = new ArrayList<>(enter(name(shortName)));
        full.addAll(List.of(command));
        Run r = run(full, null);
        if (r.exit != 0) throw new AssertionError(String.join(" ", full) + " exited " + r.exit + ": " + r.err);
        return r;
    }

    /** Runs a command in the namespace whatever its exit code, with {@code input} on its standard input. */
    Run tryIn(String shortName, String input, String... command) {
        List<String> full = new ArrayList<>(enter(name(shortName)));
        full.addAll(List.of(command));
        return run(full, input);
    }

    static Run host(String... command) {
        Run r = run(List.of(command), null);
        if (r.exit != 0) throw new AssertionError(String.join(" ", command) + " exited " + r.exit + ": " + r.err);
        return r;
    }

    /** Starts a long-running program in a namespace; stopped by {@link #close()}. */
    void serve(String shortName, String... command) throws IOException {
        List<String> full = new ArrayList<>(enter(name(shortName)));
        full.addAll(List.of(command));
        servers.add(new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
    }

    private static Run run(List<String> command, String input) {
        long start = System.nanoTime();
        try {
            Process p = new ProcessBuilder(command).start();
            try (OutputStream in = p.getOutputStream()) {
                if (input != null) in.write(input.getBytes(StandardCharsets.UTF_8));
            }
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not end in 20 s");
            }
            return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                    new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8), (System.nanoTime() - start) / 1_000_000);
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The host's namespaces with this test's prefix. */
    List<String> left() {
        Path dir = Path.of("/run/netns");
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix)).toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        for (Process p : servers) {
            p.destroy();
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (String ns : made.reversed()) run(List.of("ip", "netns", "delete", ns), null);
    }
}
