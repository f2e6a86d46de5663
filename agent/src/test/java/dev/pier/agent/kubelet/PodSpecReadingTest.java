package dev.pier.agent.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.agent.cri.LinuxResources;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The readings of a pod spec that turn into runtime settings: expansion, QoS, cgroups, registries. */
class PodSpecReadingTest {

  @Test
  void variableReferencesExpandAsKubernetesDoes() {
    Map<String, String> vars = Map.of("A", "1", "B", "two");
    assertThat(Expansion.expand("$(A)-$(B)", vars)).isEqualTo("1-two");
    assertThat(Expansion.expand("$(MISSING) stays", vars)).isEqualTo("$(MISSING) stays");
    assertThat(Expansion.expand("$$(A) is escaped", vars)).isEqualTo("$(A) is escaped");
    assertThat(Expansion.expand("no refs, $ alone", vars)).isEqualTo("no refs, $ alone");
    assertThat(Expansion.expand("$(A", vars)).isEqualTo("$(A");
  }

  @Test
  void qosClassesAndTheirCgroupSettings() {
    Pod guaranteed = pod("{cpu: 500m, memory: 64Mi}", "{cpu: 500m, memory: 64Mi}");
    Pod burstable = pod("{cpu: 250m, memory: 32Mi}", "{cpu: '1', memory: 64Mi}");
    Pod bestEffort = pod(null, null);
    assertThat(QosClass.of(guaranteed)).isEqualTo("Guaranteed");
    assertThat(QosClass.of(burstable)).isEqualTo("Burstable");
    assertThat(QosClass.of(bestEffort)).isEqualTo("BestEffort");

    long node = 4L << 30;
    LinuxResources g = ContainerConfigs.resources(guaranteed, guaranteed.getSpec().getContainers().getFirst(), node);
    assertThat(g.cpuShares()).isEqualTo(512);
    assertThat(g.cpuQuota()).isEqualTo(50_000);
    assertThat(g.cpuPeriod()).isEqualTo(100_000);
    assertThat(g.memoryLimitBytes()).isEqualTo(64L << 20);
    assertThat(g.oomScoreAdj()).isEqualTo(-997);

    LinuxResources b = ContainerConfigs.resources(burstable, burstable.getSpec().getContainers().getFirst(), node);
    assertThat(b.cpuShares()).isEqualTo(256);
    assertThat(b.cpuQuota()).isEqualTo(100_000);
    assertThat(b.oomScoreAdj()).isBetween(2L, 999L);

    LinuxResources e = ContainerConfigs.resources(bestEffort, bestEffort.getSpec().getContainers().getFirst(), node);
    assertThat(e.cpuShares()).isEqualTo(2);
    assertThat(e.cpuQuota()).isZero();
    assertThat(e.memoryLimitBytes()).isZero();
    assertThat(e.oomScoreAdj()).isEqualTo(1000);
  }

  @Test
  void registriesOfImagesAndOfDockerConfigKeys() {
    assertThat(PullSecrets.registryOf("nginx")).isEqualTo("docker.io");
    assertThat(PullSecrets.registryOf("nginx:1.25")).isEqualTo("docker.io");
    assertThat(PullSecrets.registryOf("team/app:v1")).isEqualTo("docker.io");
    assertThat(PullSecrets.registryOf("registry.k8s.io/pause:3.9")).isEqualTo("registry.k8s.io");
    assertThat(PullSecrets.registryOf("localhost:5000/app")).isEqualTo("localhost:5000");
    assertThat(PullSecrets.registryOfKey("https://index.docker.io/v1/")).isEqualTo("docker.io");
    assertThat(PullSecrets.registryOfKey("registry.example:5000")).isEqualTo("registry.example:5000");
    assertThat(ImagePuller.defaultPolicy("nginx")).isEqualTo("Always");
    assertThat(ImagePuller.defaultPolicy("nginx:latest")).isEqualTo("Always");
    assertThat(ImagePuller.defaultPolicy("nginx:1.25")).isEqualTo("IfNotPresent");
    assertThat(ImagePuller.defaultPolicy("localhost:5000/app")).isEqualTo("Always");
  }

  private static Pod pod(String requests, String limits) {
    String resources = requests == null ? "" : "\n    resources: {requests: " + requests + ", limits: " + limits + "}";
    return Serialization.unmarshal("""
        apiVersion: v1
        kind: Pod
        metadata: {name: p, namespace: default, uid: u1}
        spec:
          containers:
          - name: c
            image: busybox%s
        """.formatted(resources), Pod.class);
  }
}
