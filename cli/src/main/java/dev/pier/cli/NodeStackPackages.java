package dev.pier.cli;

import dev.pier.cloud.host.CommandResult;
import dev.pier.cloud.host.CommandRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The host programs nodes need (containerd, runc, CNI plugins, iptables, the image registry, skopeo, what
 * the seed images are built from, HAProxy, the block storage tools), as Debian 12 packages: {@link #ensureInstalled} installs the
 * missing ones with apt when Pier runs as root, and otherwise says what to install. The same list as
 * {@code .ci/run}'s, found the same way (a command on the PATH or a file that only that package brings).
 */
final class NodeStackPackages {
    private static final Logger LOG = LoggerFactory.getLogger(NodeStackPackages.class);
    private static final Duration APT_TIMEOUT = Duration.ofMinutes(15);

    /** One thing the node stack needs: a command looked up on the PATH, or an absolute path; and its Debian package. */
    record Requirement(String need, String debianPackage) {
    }

    static final List<Requirement> REQUIREMENTS = List.of(
            new Requirement("containerd", "containerd"),
            new Requirement("runc", "runc"),
            new Requirement("/usr/lib/cni/bridge", "containernetworking-plugins"),
            new Requirement("iptables", "iptables"),
            new Requirement("ip", "iproute2"),
            new Requirement("nsenter", "util-linux"),
            new Requirement("docker-registry", "docker-registry"),
            new Requirement("skopeo", "skopeo"),
            // the busybox seed image copies this one program: it must be the static build
            new Requirement("/bin/busybox", "busybox-static"),
            new Requirement("/usr/sbin/nginx", "nginx-light"),
            // the pause seed image is compiled here with gcc -static, which needs libc6-dev's static C library
            new Requirement("gcc", "gcc"),
            new Requirement("/usr/include/stdio.h", "libc6-dev"),
            new Requirement("haproxy", "haproxy"),
            // block storage: volumes are loop devices; the agent formats (ext4 or xfs) and grows their file systems
            new Requirement("losetup", "mount"),
            new Requirement("mkfs.ext4", "e2fsprogs"),
            new Requirement("mkfs.xfs", "xfsprogs"));

    /** What the host has; a test gives its own. */
    interface Host {
        /** Whether a command is on the PATH (for a bare name) or a file exists (for an absolute path). */
        boolean has(String need);

        boolean isRoot();

        /** Runs a command (apt-get) to completion, whatever its exit code. */
        CommandResult run(List<String> command);
    }

    private final Host host;

    NodeStackPackages(Host host) {
        this.host = host;
    }

    /** The real host: Pier's PATH, its effective user, apt-get with a long timeout. */
    static NodeStackPackages onThisHost() {
        return new NodeStackPackages(new LocalHost());
    }

    /** The Debian packages whose programs or files are missing, in {@link #REQUIREMENTS} order, each once. */
    List<String> missing() {
        Set<String> packages = new LinkedHashSet<>();
        for (Requirement r : REQUIREMENTS) {
            if (!host.has(r.need())) packages.add(r.debianPackage());
        }
        return List.copyOf(packages);
    }

    /**
     * Installs the missing packages with {@code apt-get install -y} when running as root on a host with apt
     * ({@code apt-get update} first only if the install fails for lack of package lists), printing what it does.
     *
     * @return the packages still missing afterwards: empty when the node stack is complete
     */
    boolean isRoot() {
        return host.isRoot();
    }

    List<String> ensureInstalled(PrintStream out) {
        List<String> missing = missing();
        if (missing.isEmpty()) return missing;
        String packages = String.join(" ", missing);
        if (!host.isRoot() || !host.has("apt-get")) {
            out.println("Nodes need Debian packages that are not installed: " + packages);
            out.println("Install them as root:  apt-get install -y " + packages);
            return missing;
        }
        out.println("Installing the Debian packages nodes need: " + packages + " (apt-get install -y)");
        CommandResult result = install(missing);
        if (!result.succeeded() && lacksPackageLists(result)) {
            out.println("apt has no (current) package lists: running apt-get update, then installing again");
            CommandResult update = apt("update");
            if (!update.succeeded()) return failed(out, update, missing);
            result = install(missing);
        }
        if (!result.succeeded()) return failed(out, result, missing);
        List<String> still = missing();
        if (still.isEmpty()) {
            out.println("Installed " + packages + ".");
        } else {
            out.println("apt-get installed " + packages + ", but these are still missing: " + String.join(" ", still));
        }
        return still;
    }

    private CommandResult install(List<String> packages) {
        List<String> args = new ArrayList<>(List.of("install", "-y", "-q"));
        args.addAll(packages);
        return apt(args.toArray(String[]::new));
    }

    private CommandResult apt(String... args) {
        // never a question on the terminal: a service's configuration prompt would hang pier up
        List<String> command = new ArrayList<>(List.of("env", "DEBIAN_FRONTEND=noninteractive", "apt-get"));
        command.addAll(List.of(args));
        LOG.info("Running {}", String.join(" ", command));
        return host.run(command);
    }

    /** apt's words for a package it does not know yet, or for an archive its stale lists point to. */
    static boolean lacksPackageLists(CommandResult result) {
        String output = result.stdout() + result.stderr();
        return output.contains("Unable to locate package") || output.contains("has no installation candidate")
                || output.contains("run apt-get update");
    }

    private List<String> failed(PrintStream out, CommandResult result, List<String> missing) {
        String output = (result.stderr().isBlank() ? result.stdout() : result.stderr()).strip();
        out.println(String.join(" ", result.command()) + " failed (exit " + result.exitCode() + "):");
        out.println(output);
        out.println("Install them as root:  apt-get install -y " + String.join(" ", missing));
        return missing();
    }

    /** This machine, with Pier's PATH (which has the sbin directories a user's PATH may lack). */
    private static final class LocalHost implements Host {
        private final CommandRunner runner = new CommandRunner(APT_TIMEOUT);

        @Override
        public boolean has(String need) {
            if (need.startsWith("/")) return Files.exists(Path.of(need));
            for (String dir : CommandRunner.PATH.split(":")) {
                if (Files.isExecutable(Path.of(dir, need))) return true;
            }
            return false;
        }

        @Override
        public boolean isRoot() {
            try {
                // /proc/self belongs to the process's effective user
                return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
            } catch (IOException | UnsupportedOperationException e) {
                return false;
            }
        }

        @Override
        public CommandResult run(List<String> command) {
            return runner.runAllowingFailure(command);
        }
    }
}
