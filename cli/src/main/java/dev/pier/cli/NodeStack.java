package dev.pier.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Checks that this host can run local machines: root, and the node stack's programs. */
final class NodeStack {
    static final String PACKAGES = "containerd runc containernetworking-plugins iptables iproute2 docker-registry skopeo "
            + "busybox-static nginx-light gcc libc6-dev";
    private static final List<String> PROGRAMS = List.of("containerd", "runc", "iptables", "ip", "nsenter",
            "docker-registry", "skopeo", "gcc");

    private NodeStack() {}

    static void check() throws IOException {
        if (!isRoot()) {
            throw new IllegalStateException("nodes are local machines (network namespaces, containerd) and need root: "
                    + "run pier up as root, or with --nodes 0 for a control plane only");
        }
        List<String> missing = new ArrayList<>();
        for (String program : PROGRAMS) {
            if (!onPath(program)) missing.add(program);
        }
        if (!Files.exists(Path.of("/usr/lib/cni/bridge"))) missing.add("/usr/lib/cni/bridge");
        if (!Files.exists(Path.of("/bin/busybox"))) missing.add("/bin/busybox");
        if (!missing.isEmpty()) {
            throw new IllegalStateException("the node stack is missing " + missing + ": install it with\n"
                    + "  apt-get install -y " + PACKAGES + "\nor run pier up with --nodes 0");
        }
    }

    private static boolean isRoot() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("Uid:")) return line.split("\\s+")[1].equals("0");
        }
        return false;
    }

    private static boolean onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        for (String dir : path.split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) return true;
        }
        return false;
    }
}
