package dev.pier.agent.proxy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The iptables programs, run in the node's network namespace (through a command prefix such as
 * {@code nsenter --net=...} when the caller is not in it): {@code iptables-save} to read a table's chains,
 * {@code iptables-restore --noflush} to replace chains in one transaction, {@code iptables} for the jumps
 * from the built-in chains.
 */
final class Iptables {
    private static final Logger LOG = LoggerFactory.getLogger(Iptables.class);
    private static final long TIMEOUT_SECONDS = 30;

    private final List<String> prefix;

    Iptables(List<String> prefix) {
        this.prefix = List.copyOf(prefix);
    }

    /** The chains a table holds now. */
    Set<String> chains(String table) {
        Result r = run(List.of("iptables-save", "-t", table), null);
        if (r.exit != 0) throw new IptablesException("iptables-save -t " + table + " exited " + r.exit + ": " + r.err.strip());
        Set<String> chains = new LinkedHashSet<>();
        for (String line : r.out.split("\n")) {
            if (line.startsWith(":")) chains.add(line.substring(1, line.indexOf(' ') > 0 ? line.indexOf(' ') : line.length()));
        }
        return chains;
    }

    /** Applies iptables-restore input without flushing the tables: only the chains it names change. */
    void restore(String input) {
        Result r = run(List.of("iptables-restore", "-w", "--noflush"), input);
        if (r.exit != 0) throw new IptablesException("iptables-restore exited " + r.exit + ": " + r.err.strip());
    }

    /** Whether a rule exists ({@code iptables -C}). */
    boolean exists(String table, String chain, List<String> rule) {
        List<String> cmd = new ArrayList<>(List.of("iptables", "-w", "-t", table, "-C", chain));
        cmd.addAll(rule);
        return run(cmd, null).exit == 0;
    }

    void insert(String table, String chain, List<String> rule) {
        edit("-I", table, chain, rule);
    }

    void delete(String table, String chain, List<String> rule) {
        edit("-D", table, chain, rule);
    }

    private void edit(String op, String table, String chain, List<String> rule) {
        List<String> cmd = new ArrayList<>(List.of("iptables", "-w", "-t", table, op, chain));
        cmd.addAll(rule);
        Result r = run(cmd, null);
        if (r.exit != 0) throw new IptablesException(String.join(" ", cmd) + " exited " + r.exit + ": " + r.err.strip());
    }

    private record Result(int exit, String out, String err) {
    }

    private Result run(List<String> command, String input) {
        List<String> full = new ArrayList<>(prefix);
        full.addAll(command);
        LOG.debug("run: {}", String.join(" ", full));
        ProcessBuilder pb = new ProcessBuilder(full);
        pb.environment().put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        pb.environment().put("LC_ALL", "C");
        try {
            Process p = pb.start();
            CompletableFuture<String> out = drain(p.getInputStream());
            CompletableFuture<String> err = drain(p.getErrorStream());
            try (OutputStream in = p.getOutputStream()) {
                if (input != null) in.write(input.getBytes(StandardCharsets.UTF_8));
            }
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IptablesException(String.join(" ", full) + ": no answer after " + TIMEOUT_SECONDS + " s");
            }
            return new Result(p.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new IptablesException("could not run " + String.join(" ", full) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IptablesException("interrupted running " + String.join(" ", full));
        }
    }

    private static CompletableFuture<String> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, Thread::startVirtualThread);
    }

    /** An iptables program failed; the message has its standard error. */
    static final class IptablesException extends RuntimeException {
        IptablesException(String message) {
            super(message);
        }
    }
}
