package dev.pier.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.cell.BootstrapTokens;
import dev.pier.apiserver.cell.Cell;
import dev.pier.apiserver.client.LocalClient;
import dev.pier.cloud.host.Poll;
import dev.pier.cloud.images.LocalRegistry;
import dev.pier.cloud.images.SeedImages;
import dev.pier.cloud.machine.LocalMachineConfig;
import dev.pier.cloud.machine.LocalMachineProvider;
import dev.pier.cloud.machine.Machine;
import dev.pier.cloud.machine.MachineProcess;
import dev.pier.cloud.machine.MachineSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The nodes of {@code pier up}: the installation's image registry seeded with Pier's images, the
 * local machine provider, and one machine per node running {@code pier agent}, which joins the
 * cluster with a bootstrap token made for it. Closing stops the machines and keeps their data, so the next
 * {@code pier up} on the same data directory brings the same nodes back.
 */
final class LocalNodes implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalNodes.class);
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);
    /** Long enough for a machine to start and its agent to join. */
    private static final Duration TOKEN_TTL = Duration.ofMinutes(15);

    private final Path dataDir;
    private final LocalRegistry registry;
    private final LocalMachineProvider provider;

    private LocalNodes(Path dataDir, LocalRegistry registry, LocalMachineProvider provider) {
        this.dataDir = dataDir;
        this.registry = registry;
        this.provider = provider;
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
            return new LocalNodes(dataDir, registry, provider);
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
    }

    /** Where machines reach the host (and the API server). */
    String gateway() {
        return provider.network().gateway();
    }

    /** Creates (or brings back) {@code count} machines running agents of {@code cell}, and waits until their Nodes are Ready. */
    void start(ControlPlane cp, Cell cell, int count, PrintStream out) throws IOException {
        String serverUrl = "https://" + gateway() + ":" + cp.port() + (cell.name().equals("_management") ? "" : "/clusters/" + cell.name());
        Path caFile = dataDir.resolve("nodes").resolve("ca.crt");
        Files.createDirectories(caFile.getParent());
        Files.writeString(caFile, cp.cells().management().certificateAuthority().certificatePem());
        List<CompletableFuture<Machine>> machines = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            String name = cell.name() + "-node-" + i;
            // a node that joined before keeps its certificate and ignores the token
            String token = BootstrapTokens.create(cell, TOKEN_TTL, "node " + name + " of pier up", List.of());
            MachineSpec spec = new MachineSpec(name, List.of(new MachineProcess("agent", agentCommand(serverUrl, caFile),
                    Map.of("PIER_BOOTSTRAP_TOKEN", token))));
            machines.add(CompletableFuture.supplyAsync(() -> provider.create(spec), r -> Thread.ofVirtual().start(r)));
        }
        List<String> names = new ArrayList<>();
        for (CompletableFuture<Machine> f : machines) {
            Machine m = f.join();
            names.add(m.name());
            out.println("  machine " + m.name() + " up at " + m.address() + " (pods " + m.podCidr() + "); its agent is joining...");
        }
        awaitReady(new LocalClient(cp.cells(), "pier-up"), cell, names, out);
    }

    private static void awaitReady(LocalClient client, Cell cell, List<String> names, PrintStream out) {
        var nodes = client.resource(cell.name(), client.builtin("", "v1", "nodes"));
        List<String> waiting = new ArrayList<>(names);
        Poll.until(READY_TIMEOUT, () -> "nodes " + waiting + " to be Ready; see the agent logs under"
                + " machines/<name>/logs/agent.log in the data directory", () -> {
            waiting.removeIf(name -> {
                Optional<ObjectNode> node = nodes.find(null, name);
                if (node.isEmpty() || !ready(node.get())) return false;
                out.println("  node " + name + " is Ready");
                return true;
            });
            return waiting.isEmpty();
        });
    }

    private static boolean ready(ObjectNode node) {
        for (JsonNode c : node.path("status").path("conditions")) {
            if ("Ready".equals(c.path("type").asText())) return "True".equals(c.path("status").asText());
        }
        return false;
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
        LOG.info("Stopping the machines (their data stays) and the image registry");
        try {
            provider.close();
        } finally {
            registry.close();
        }
    }
}
