package dev.pier.agent.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.agent.cri.DnsConfig;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodDNSConfigBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PodDnsTest {
  @TempDir Path dir;

  private AgentConfig config(List<String> clusterDns) throws IOException {
    Path resolv = dir.resolve("resolv.conf");
    Files.writeString(resolv, "# the node's\nnameserver 192.0.2.53\nnameserver 192.0.2.54\nsearch corp.example\noptions edns0\n");
    return new AgentConfig("n1", "10.250.0.2", "10.150.1.0/24", "10.150.0.0/16", "10.96.0.0/12", dir.resolve("sock"), dir,
        dir.resolve("kubeconfig"), "/kubepods", Map.of(), 110, 32, Duration.ofSeconds(10),
        AgentConfig.imageGcPolicy(85, 80, "registry.k8s.io/pause:3.9"), clusterDns, "cluster.local", resolv);
  }

  private static Pod pod(String policy, boolean hostNetwork) {
    return new PodBuilder().withNewMetadata().withName("p").withNamespace("shop").endMetadata()
        .withNewSpec().withDnsPolicy(policy).withHostNetwork(hostNetwork).endSpec().build();
  }

  @Test
  void clusterFirstAsksTheClusterDnsWithTheSearchPath() throws IOException {
    DnsConfig dns = PodDns.of(pod(null, false), config(List.of("10.96.0.10")));
    assertThat(dns.servers()).containsExactly("10.96.0.10");
    assertThat(dns.searches()).containsExactly("shop.svc.cluster.local", "svc.cluster.local", "cluster.local", "corp.example");
    assertThat(dns.options()).containsExactly("ndots:5");
    assertThat(PodDns.of(pod("ClusterFirst", false), config(List.of("10.96.0.10")))).isEqualTo(dns);
  }

  @Test
  void onTheHostNetworkOnlyClusterFirstWithHostNetAsksTheCluster() throws IOException {
    AgentConfig config = config(List.of("10.96.0.10"));
    assertThat(PodDns.of(pod("ClusterFirst", true), config)).isEqualTo(DnsConfig.NODE_DEFAULT);
    assertThat(PodDns.of(pod("ClusterFirstWithHostNet", true), config).servers()).containsExactly("10.96.0.10");
  }

  @Test
  void defaultAndNoClusterDnsUseTheNode() throws IOException {
    assertThat(PodDns.of(pod("Default", false), config(List.of("10.96.0.10")))).isEqualTo(DnsConfig.NODE_DEFAULT);
    assertThat(PodDns.of(pod("ClusterFirst", false), config(List.of()))).isEqualTo(DnsConfig.NODE_DEFAULT);
  }

  @Test
  void dnsConfigIsAppendedAndNoneUsesItAlone() throws IOException {
    var extra = new PodDNSConfigBuilder().withNameservers("192.0.2.99").withSearches("extra.example")
        .addNewOption().withName("ndots").withValue("2").endOption().addNewOption().withName("rotate").endOption().build();
    Pod defaultPod = pod("Default", false);
    defaultPod.getSpec().setDnsConfig(extra);
    DnsConfig dns = PodDns.of(defaultPod, config(List.of("10.96.0.10")));
    assertThat(dns.servers()).containsExactly("192.0.2.53", "192.0.2.54", "192.0.2.99");
    assertThat(dns.searches()).containsExactly("corp.example", "extra.example");
    assertThat(dns.options()).containsExactly("edns0", "ndots:2", "rotate");

    Pod clusterPod = pod("ClusterFirst", false);
    clusterPod.getSpec().setDnsConfig(extra);
    assertThat(PodDns.of(clusterPod, config(List.of("10.96.0.10"))).options()).containsExactly("ndots:2", "rotate");

    Pod none = pod("None", false);
    none.getSpec().setDnsConfig(extra);
    DnsConfig alone = PodDns.of(none, config(List.of("10.96.0.10")));
    assertThat(alone.servers()).containsExactly("192.0.2.99");
    assertThat(alone.searches()).containsExactly("extra.example");
  }
}
