package dev.pier.cli;

import dev.pier.apiserver.cell.BootstrapTokens;
import dev.pier.apiserver.cell.Cell;
import dev.pier.apiserver.cell.Cells;
import dev.pier.cloud.cluster.NodeMachines;
import dev.pier.cloud.images.LocalRegistry;
import dev.pier.cloud.images.SeedImages;
import dev.pier.cloud.machine.LocalMachineConfig;
import dev.pier.cloud.machine.LocalMachineProvider;
import dev.pier.cloud.machine.Machine;
import dev.pier.cloud.machine.MachineProcess;
import dev.pier.cloud.machine.MachineSpec;
import dev.pier.cloud.machine.MachineStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The machines of {@code pier up}'s clusters: the installation's image registry seeded with Pier's images, the
 * local machine provider, and for each Machine the machine controller asks for, one running {@code pier agent},
 * which joins its cluster with a bootstrap token made for it. Closing stops the machines and keeps their data, so
 * the next {@code pier up} on the same data directory brings the same nodes back.
 */
final class LocalNodes implements NodeMachines, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalNodes.class);
    /** Long enough for a machine to start and its agent to join. */
    private static final Duration TOKEN_TTL = Duration.ofMinutes(15);

    private final LocalRegistry registry;
    private final LocalMachineProvider provider;
    private final int apiPort;
    private final Path caFile;
    private volatile Cells cells;
    private volatile boolean closing;

    private LocalNodes(Path dataDir, LocalRegistry registry, LocalMachineProvider provider, int apiPort) {
        this.registry = registry;
        this.provider = provider;
        this.apiPort = apiPort;
        this.caFile = dataDir.resolve("nodes").resolve("ca.crt");
    }

    /**
     * Starts the registry and the machine provider (its bridge), before the API server: the server's
     * certificate must name the gateway the machines reach it at, and {@code apiPort} on loopback
     * is forwarded to them.
     */
    static LocalNodes prepare(Path dataDir, int apiPort, PrintStream out) {
        out.println("Starting the image registry and seeding it (pause, busybox, nginx: local builds from Debian packages)...");
        LocalRegistry registry = LocalRegistry.start(dataDir);
        try {
            SeedImages.ensure(registry, dataDir.resolve("image-cache"));
            var config = LocalMachineConfig.of(dataDir, registry.port()).withHostPorts(List.of(apiPort));
            LocalMachineProvider provider = LocalMachineProvider.start(config);
            return new LocalNodes(dataDir, registry, provider, apiPort);
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
    }

    /** Where machines reach the host (and the API server). */
    String gateway() {
        return provider.network().gateway();
    }

    /** Lets machines join the clusters of these cells; writes the CA file their agents check the server with. */
    void attach(Cells cells) {
        this.cells = cells;
        try {
            Files.createDirectories(caFile.getParent());
            Files.writeString(caFile, cells.management().certificateAuthority().certificatePem());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Optional<String> unavailable() {
        if (closing) return Optional.of("the machine provider is stopping");
        if (cells == null) return Optional.of("the machine provider is not attached to the server yet");
        return Optional.empty();
    }

    /** A machine whose agent joins {@code cluster} with a bootstrap token (a node that joined before keeps its certificate). */
    @Override
    public Machine create(String cluster, String name, Map<String, String> nodeLabels) {
        Cell cell = cells.tenant(cluster).orElseThrow(() -> new IllegalStateException("cluster " + cluster + " has no control plane yet"));
        String serverUrl = "https://" + gateway() + ":" + apiPort + "/clusters/" + cluster;
        String token = BootstrapTokens.create(cell, TOKEN_TTL, "node " + name + " of cluster " + cluster, List.of());
        List<String> command = new ArrayList<>(agentCommand(serverUrl, caFile));
        if (!nodeLabels.isEmpty()) {
            List<String> labels = new ArrayList<>();
            nodeLabels.forEach((k, v) -> labels.add(k + "=" + v));
            command.addAll(List.of("--node-labels", String.join(",", labels)));
        }
        Machine machine = provider.create(new MachineSpec(name, List.of(new MachineProcess("agent", command, Map.of("PIER_BOOTSTRAP_TOKEN", token)))));
        LOG.info("machine {} up at {} (pods {}); its agent is joining cluster {}", name, machine.address(), machine.podCidr(), cluster);
        return machine;
    }

    @Override
    public void delete(String name) {
        provider.delete(name);
    }

    @Override
    public Optional<MachineStatus> status(String name) {
        return provider.status(name);
    }

    /** The same binary, as the node role, on the same JVM; small heap, as a node agent should be. */
    static List<String> agentCommand(String serverUrl, Path caFile) {
        String java = ProcessHandle.current().info().command().orElse("java");
        String jar;
        try {
            jar = Path.of(Pier.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("cannot find the pier jar", e);
        }
        return List.of(java, "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k",
                "-jar", jar, "agent", "--server", serverUrl, "--ca-file", caFile.toAbsolutePath().toString());
    }

    @Override
    public void close() {
        closing = true; // the machine controller must not bring back what stops now
        LOG.info("Stopping the machines (their data stays) and the image registry");
        try {
            provider.close();
        } finally {
            registry.close();
        }
    }
}
