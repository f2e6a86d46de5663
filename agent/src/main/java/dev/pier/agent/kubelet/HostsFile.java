package dev.pier.agent.kubelet;

import io.fabric8.kubernetes.api.model.HostAlias;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The pod's {@code /etc/hosts}, which the kubelet (not the runtime) writes: localhost, the pod's
 * own name at its IP (with its subdomain's FQDN when it has one) and its {@code hostAliases}.
 */
final class HostsFile {
  private HostsFile() {}

  static Path write(Path podDir, Pod pod, String podIp) throws IOException {
    StringBuilder sb = new StringBuilder("# Kubernetes-managed hosts file.\n")
        .append("127.0.0.1\tlocalhost\n")
        .append("::1\tlocalhost ip6-localhost ip6-loopback\n")
        .append("fe00::0\tip6-localnet\n")
        .append("fe00::0\tip6-mcastprefix\n")
        .append("fe00::1\tip6-allnodes\n")
        .append("fe00::2\tip6-allrouters\n");
    String hostname = pod.getSpec().getHostname() == null || pod.getSpec().getHostname().isEmpty()
        ? pod.getMetadata().getName() : pod.getSpec().getHostname();
    if (podIp != null && !podIp.isEmpty()) {
      String subdomain = pod.getSpec().getSubdomain();
      if (subdomain != null && !subdomain.isEmpty()) {
        sb.append(podIp).append('\t').append(hostname).append('.').append(subdomain).append('.')
            .append(pod.getMetadata().getNamespace()).append(".svc.cluster.local\t").append(hostname).append('\n');
      } else {
        sb.append(podIp).append('\t').append(hostname).append('\n');
      }
    }
    if (pod.getSpec().getHostAliases() != null && !pod.getSpec().getHostAliases().isEmpty()) {
      sb.append("\n# Entries added by HostAliases.\n");
      for (HostAlias alias : pod.getSpec().getHostAliases()) {
        sb.append(alias.getIp()).append('\t').append(String.join("\t", alias.getHostnames())).append('\n');
      }
    }
    Files.createDirectories(podDir);
    Path file = podDir.resolve("etc-hosts");
    if (Files.exists(file) && Files.readString(file).contentEquals(sb)) return file;
    Path tmp = podDir.resolve("etc-hosts.tmp");
    Files.writeString(tmp, sb.toString());
    Files.setPosixFilePermissions(tmp, AtomicDirectory.permissions(0644));
    // the file is bind-mounted: replacing it would leave running containers on the old inode,
    // so an existing file is rewritten in place
    if (Files.exists(file)) {
      Files.writeString(file, sb.toString());
      Files.delete(tmp);
    } else {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    }
    return file;
  }
}
