package dev.pier.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code pier cluster kubeconfig NAME}: the cluster's admin kubeconfig ({@code GET /v1/clusters/NAME/config}), printed
 * or written to a file only its owner can read, since it holds a private key.
 */
@Command(name = "kubeconfig", mixinStandardHelpOptions = true,
        description = "Print a cluster's admin kubeconfig, or write it to a file (mode 0600).")
final class ClusterKubeconfigCommand implements Callable<Integer> {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    ApiOptions server;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Option(names = "--output", paramLabel = "FILE", description = "Write it to FILE (mode 0600) instead of printing it.")
    Path file;

    @Override
    public Integer call() {
        String yaml;
        try (PierApi api = server.connect()) {
            yaml = api.getText(ClusterPaths.config(name));
        }
        if (file == null) {
            spec.commandLine().getOut().print(yaml);
            spec.commandLine().getOut().flush();
            return 0;
        }
        write(yaml);
        spec.commandLine().getOut().println("Wrote the kubeconfig of cluster " + name + " to " + file
                + " (use: kubectl --kubeconfig " + file + " get nodes)");
        return 0;
    }

    private void write(String yaml) {
        try {
            // the mode is set before the key is written, so the file is never readable by others with it inside
            if (Files.exists(file)) {
                Files.setPosixFilePermissions(file, OWNER_ONLY);
            } else {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            }
            try (var channel = Files.newByteChannel(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                 var stream = Channels.newOutputStream(channel)) {
                stream.write(yaml.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new LocalProblem("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
