package dev.pier.cli;

import dev.pier.cloud.host.CommandResult;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Which Debian packages for which missing programs, and what is run and said; a fake host, never apt. */
class NodeStackPackagesTest {
    private static final List<String> ALL = NodeStackPackages.REQUIREMENTS.stream().map(NodeStackPackages.Requirement::need).toList();

    @Test
    void aCompleteHostNeedsNothingAndRunsNothing() {
        FakeHost host = new FakeHost(true, ALL);
        assertThat(new NodeStackPackages(host).missing()).isEmpty();
        assertThat(ensure(host)).isEmpty();
        assertThat(host.commands).isEmpty();
    }

    @Test
    void eachMissingProgramOrFileNamesItsPackage() {
        assertThat(missingWithout("containerd")).containsExactly("containerd");
        assertThat(missingWithout("runc")).containsExactly("runc");
        assertThat(missingWithout("/usr/lib/cni/bridge")).containsExactly("containernetworking-plugins");
        assertThat(missingWithout("iptables")).containsExactly("iptables");
        assertThat(missingWithout("docker-registry")).containsExactly("docker-registry");
        assertThat(missingWithout("skopeo")).containsExactly("skopeo");
        assertThat(missingWithout("/bin/busybox")).containsExactly("busybox-static");
        assertThat(missingWithout("/usr/sbin/nginx")).containsExactly("nginx-light");
        assertThat(missingWithout("haproxy")).containsExactly("haproxy");
        assertThat(missingWithout("losetup")).containsExactly("mount");
        assertThat(missingWithout("mkfs.ext4")).containsExactly("e2fsprogs");
        assertThat(missingWithout("mkfs.xfs")).containsExactly("xfsprogs");
        assertThat(missingWithout("gcc", "/usr/include/stdio.h")).containsExactly("gcc", "libc6-dev");
    }

    @Test
    void aFreshDebianNeedsTheWholeStack() {
        FakeHost fresh = new FakeHost(true, List.of("ip", "nsenter", "losetup", "apt-get"));
        assertThat(new NodeStackPackages(fresh).missing()).containsExactly("containerd", "runc", "containernetworking-plugins",
                "iptables", "docker-registry", "skopeo", "busybox-static", "nginx-light", "gcc", "libc6-dev", "haproxy",
                "e2fsprogs", "xfsprogs");
    }

    @Test
    void rootInstallsTheMissingPackagesWithOneAptGetInstall() {
        FakeHost host = new FakeHost(true, without("skopeo", "haproxy"));
        host.onInstall = () -> host.present.addAll(List.of("skopeo", "haproxy"));
        StringBuilder out = new StringBuilder();

        assertThat(ensure(host, out)).isEmpty();
        assertThat(host.commands).containsExactly(
                List.of("env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-q", "skopeo", "haproxy"));
        assertThat(out).contains("Installing the Debian packages nodes need: skopeo haproxy").contains("Installed skopeo haproxy.");
    }

    @Test
    void withoutPackageListsAptGetUpdateRunsOnceThenTheInstallAgain() {
        FakeHost host = new FakeHost(true, without("skopeo"));
        host.results.add(new CommandResult(List.of("apt-get"), 100, "", "E: Unable to locate package skopeo\n"));
        host.onInstall = () -> {
            if (host.commands.stream().anyMatch(c -> c.contains("update"))) host.present.add("skopeo");
        };
        StringBuilder out = new StringBuilder();

        assertThat(ensure(host, out)).isEmpty();
        assertThat(host.commands).extracting(c -> c.get(3)).containsExactly("install", "update", "install");
        assertThat(out).contains("apt-get update");
    }

    @Test
    void anInstallThatFailsForAnotherReasonIsReportedWithoutUpdating() {
        FakeHost host = new FakeHost(true, without("skopeo"));
        host.results.add(new CommandResult(List.of("apt-get", "install"), 100, "",
                "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 1234 (apt)\n"));
        StringBuilder out = new StringBuilder();

        assertThat(ensure(host, out)).containsExactly("skopeo");
        assertThat(host.commands).hasSize(1);
        assertThat(out).contains("Could not get lock").contains("apt-get install -y skopeo");
    }

    @Test
    void withoutRootItSaysWhatToInstallAndRunsNothing() {
        FakeHost host = new FakeHost(false, without("containerd", "/bin/busybox"));
        StringBuilder out = new StringBuilder();

        assertThat(ensure(host, out)).containsExactly("containerd", "busybox-static");
        assertThat(host.commands).isEmpty();
        assertThat(out).contains("not installed: containerd busybox-static").contains("apt-get install -y containerd busybox-static");
    }

    @Test
    void aptErrorsAboutStaleListsCountAsMissingLists() {
        assertThat(NodeStackPackages.lacksPackageLists(new CommandResult(List.of("apt-get"), 100, "",
                "E: Package 'skopeo' has no installation candidate"))).isTrue();
        assertThat(NodeStackPackages.lacksPackageLists(new CommandResult(List.of("apt-get"), 100, "",
                "E: Unable to fetch some archives, maybe run apt-get update or try with --fix-missing?"))).isTrue();
        assertThat(NodeStackPackages.lacksPackageLists(new CommandResult(List.of("apt-get"), 100, "",
                "E: dpkg was interrupted, you must manually run 'dpkg --configure -a'"))).isFalse();
    }

    private static List<String> missingWithout(String... needs) {
        return new NodeStackPackages(new FakeHost(true, without(needs))).missing();
    }

    private static List<String> without(String... needs) {
        List<String> present = new ArrayList<>(ALL);
        present.add("apt-get");
        present.removeAll(List.of(needs));
        return present;
    }

    private static List<String> ensure(FakeHost host) {
        return ensure(host, new StringBuilder());
    }

    private static List<String> ensure(FakeHost host, StringBuilder printed) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<String> missing = new NodeStackPackages(host).ensureInstalled(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        printed.append(bytes.toString(StandardCharsets.UTF_8));
        return missing;
    }

    /** A host with some programs and files; "runs" commands by answering from a queue (success when empty). */
    private static final class FakeHost implements NodeStackPackages.Host {
        final boolean root;
        final Set<String> present;
        final List<List<String>> commands = new ArrayList<>();
        final Deque<CommandResult> results = new ArrayDeque<>();
        Runnable onInstall = () -> {
        };

        FakeHost(boolean root, List<String> present) {
            this.root = root;
            this.present = new HashSet<>(present);
        }

        @Override
        public boolean has(String need) {
            return present.contains(need);
        }

        @Override
        public boolean isRoot() {
            return root;
        }

        @Override
        public CommandResult run(List<String> command) {
            commands.add(command);
            CommandResult result = results.isEmpty() ? new CommandResult(command, 0, "", "") : results.poll();
            if (result.succeeded() && command.contains("install")) onInstall.run();
            return result;
        }
    }
}
