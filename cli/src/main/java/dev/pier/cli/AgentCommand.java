package dev.pier.cli;

import dev.pier.agent.join.CertificateRenewer;
import dev.pier.agent.join.JoinOptions;
import dev.pier.agent.join.NodeBootstrap;
import dev.pier.agent.join.NodeCredentials;
import dev.pier.agent.kubelet.Agent;
import dev.pier.agent.kubelet.AgentConfig;
import dev.pier.agent.server.ServerTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code pier agent}: the node role. Its defaults come from the {@code PIER_MACHINE_*} variables
 * that a Pier machine provider gives the programs it runs, so on a Pier machine it needs only how to
 * join (server, CA, bootstrap token); on any other host every flag can be given. A node joins once:
 * it trades the token for its certificates and keeps them in its data directory.
 */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = "Run a node: Pier's kubelet, which registers the node and runs its pods through containerd.")
final class AgentCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(AgentCommand.class);

    @Option(names = "--server", description = "The cluster's API server URL, to join with a bootstrap token.")
    URI server;

    @Option(names = "--token", description = "A bootstrap token of the cluster (<id>.<secret>); default: $PIER_BOOTSTRAP_TOKEN, "
            + "which keeps it off the process list. Only needed until the node has its certificate.")
    String token;

    @Option(names = "--ca-file", description = "The CA certificate the API server's certificate is checked against (with --server).")
    Path caFile;

    @Option(names = "--kubeconfig", description = "Credentials the node already has, instead of joining with --server and --token.")
    Path kubeconfig;

    @Option(names = "--node-name", description = "The Node's name (default: $PIER_MACHINE_NAME, else the host name).")
    String nodeName;

    @Option(names = "--node-ip", description = "The node's address (default: $PIER_MACHINE_ADDRESS).")
    String nodeIp;

    @Option(names = "--pod-cidr", description = "The node's pod network, e.g. 10.150.1.0/24 (default: $PIER_MACHINE_POD_CIDR).")
    String podCidr;

    @Option(names = "--cluster-cidr", description = "The pod network of the whole cluster (default: $PIER_MACHINE_POD_NETWORK, else --pod-cidr).")
    String clusterCidr;

    @Option(names = "--service-cidr", defaultValue = "10.96.0.0/12", description = "The cluster's Service IP range (default: ${DEFAULT-VALUE}).")
    String serviceCidr;

    @Option(names = "--containerd-socket", description = "containerd's socket (default: $PIER_MACHINE_RUNTIME_SOCKET, else /run/containerd/containerd.sock).")
    Path runtimeSocket;

    @Option(names = "--data-dir", description = "The agent's files: volumes, logs (default: $PIER_MACHINE_DIR/agent, else /var/lib/pier-agent).")
    Path dataDir;

    @Option(names = "--pod-cgroup-parent", description = "The cgroup pods go under (default: $PIER_MACHINE_POD_CGROUP_PARENT, else /kubepods).")
    String podCgroupParent;

    @Option(names = "--node-labels", split = ",", description = "Extra labels of the Node, key=value, comma separated.")
    List<String> nodeLabels = List.of();

    @Option(names = "--image-gc-high-threshold", defaultValue = "85",
            description = "Image file system use (percent) above which unused images are removed (default: ${DEFAULT-VALUE}).")
    int imageGcHigh;

    @Option(names = "--image-gc-low-threshold", defaultValue = "80",
            description = "Image file system use (percent) that image garbage collection brings it down to (default: ${DEFAULT-VALUE}).")
    int imageGcLow;

    @Option(names = "--pod-infra-container-image", defaultValue = "registry.k8s.io/pause:3.9",
            description = "The sandbox image, which image garbage collection keeps (default: ${DEFAULT-VALUE}).")
    String sandboxImage;

    @Option(names = "--cluster-dns", split = ",", defaultValue = "10.96.0.10",
            description = "The cluster DNS Service's addresses, the nameservers of ClusterFirst pods (default: ${DEFAULT-VALUE}, "
                    + "the kube-dns Service of pier up; an empty value for none: pods then use the node's resolvers).")
    List<String> clusterDns;

    @Option(names = "--cluster-domain", defaultValue = "cluster.local", description = "The cluster's DNS domain (default: ${DEFAULT-VALUE}).")
    String clusterDomain;

    @Option(names = "--resolv-conf", defaultValue = "/etc/resolv.conf",
            description = "The node's resolver configuration, for Default pods and the search domains pods add (default: ${DEFAULT-VALUE}).")
    Path resolvConf;

    @Option(names = "--max-pods", defaultValue = "110", description = "Pods the node accepts (default: ${DEFAULT-VALUE}).")
    int maxPods;

    @Option(names = "--max-volumes", defaultValue = "32",
            description = "Block volumes (block.pier.dev) the node takes, its CSINode's volume limit (default: ${DEFAULT-VALUE}).")
    int maxVolumes;

    @Override
    public Integer call() throws Exception {
        Map<String, String> env = System.getenv();
        String name = first(nodeName, env.get("PIER_MACHINE_NAME"), hostName());
        String ip = required(first(nodeIp, env.get("PIER_MACHINE_ADDRESS"), null), "--node-ip");
        String cidr = required(first(podCidr, env.get("PIER_MACHINE_POD_CIDR"), null), "--pod-cidr");
        String clusterNetwork = first(clusterCidr, env.get("PIER_MACHINE_POD_NETWORK"), cidr);
        Path socket = runtimeSocket != null ? runtimeSocket
                : Path.of(first(null, env.get("PIER_MACHINE_RUNTIME_SOCKET"), "/run/containerd/containerd.sock"));
        Path dir = dataDir != null ? dataDir
                : env.containsKey("PIER_MACHINE_DIR") ? Path.of(env.get("PIER_MACHINE_DIR")).resolve("agent") : Path.of("/var/lib/pier-agent");
        String cgroup = first(podCgroupParent, env.get("PIER_MACHINE_POD_CGROUP_PARENT"), "/kubepods");
        Path credentials = kubeconfig;
        Optional<ServerTls> serverTls = Optional.empty();
        CertificateRenewer renewer = null;
        if (server != null) {
            if (caFile == null) throw new IllegalArgumentException("--server needs --ca-file: the CA that signed the API server's certificate");
            String bootstrap = token != null ? token : env.getOrDefault("PIER_BOOTSTRAP_TOKEN", "");
            var join = JoinOptions.of(server, caFile, bootstrap, name, List.of(ip), dir);
            NodeCredentials node = NodeBootstrap.join(join);
            credentials = node.kubeconfig();
            serverTls = Optional.of(ServerTls.fromFiles(node.servingCertificate(), node.servingKey(), node.caCertificate()));
            // The API client and the agent's server load their certificates when they start: on renewal the
            // agent exits and its supervisor starts it again with the new ones (its pods keep running).
            renewer = CertificateRenewer.start(join, node, (renewed, files) -> {
                LOG.info("the node's {} certificate was renewed: restarting the agent to use it", renewed);
                System.exit(0);
            });
        } else if (kubeconfig == null) {
            throw new IllegalArgumentException("give --server, --ca-file and a bootstrap token to join, or --kubeconfig with the node's credentials");
        } else if (!Files.isReadable(kubeconfig)) {
            throw new IllegalArgumentException("--kubeconfig " + kubeconfig + " cannot be read: give the node's kubeconfig");
        }
        Map<String, String> labels = new LinkedHashMap<>();
        for (String kv : nodeLabels) {
            int eq = kv.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("--node-labels takes key=value pairs, got \"" + kv + "\"");
            labels.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        var config = new AgentConfig(name, ip, cidr, clusterNetwork, serviceCidr, socket, dir, credentials, cgroup, labels, maxPods, maxVolumes, AgentConfig.DEFAULT_RESYNC,
                AgentConfig.imageGcPolicy(imageGcHigh, imageGcLow, sandboxImage),
                clusterDns == null ? List.of() : clusterDns.stream().filter(s -> !s.isBlank()).toList(), clusterDomain, resolvConf);
        Agent agent = Agent.start(config, serverTls);
        CountDownLatch stop = new CountDownLatch(1);
        CertificateRenewer renewing = renewer;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (renewing != null) renewing.close();
            agent.close();
            stop.countDown();
        }, "agent-shutdown"));
        stop.await();
        return 0;
    }

    private static String first(String flag, String env, String fallback) {
        if (flag != null && !flag.isBlank()) return flag;
        if (env != null && !env.isBlank()) return env;
        return fallback;
    }

    private static String required(String value, String flag) {
        if (value == null) throw new IllegalArgumentException(flag + " is required outside a Pier machine");
        return value;
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName().toLowerCase();
        } catch (java.io.IOException e) {
            return "node";
        }
    }
}
