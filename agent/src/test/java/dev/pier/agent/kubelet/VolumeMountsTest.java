package dev.pier.agent.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.agent.cri.ContainerSpec;
import dev.pier.agent.cri.EnvVar;
import dev.pier.agent.cri.Mount;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a claim volume's global mount reaches a container: subPathExpr, and the volume's own readOnly. */
class VolumeMountsTest {
  @TempDir Path global;

  @Test
  void subPathExprIsExpandedAndCreatedWithTheVolumeRootsModeAndAReadOnlyVolumeIsMountedReadOnly() throws Exception {
    Files.setAttribute(global, "unix:mode", 02775);
    Pod pod = new PodBuilder().withNewMetadata().withName("web-0").withNamespace("shop").withUid("u1").endMetadata()
        .withNewSpec().addNewContainer().withName("c").withImage("busybox")
        .addNewVolumeMount().withName("data").withMountPath("/data").withSubPathExpr("$(POD_NAME)/logs").endVolumeMount()
        .addNewVolumeMount().withName("shared").withMountPath("/shared").endVolumeMount()
        .endContainer().endSpec().build();
    var ctx = new ContainerConfigs.Context(pod,
        Map.of("data", new MountedVolume(global, false), "shared", new MountedVolume(global, true)), null, null, 1L << 30);

    ContainerSpec spec = ContainerConfigs.build(ctx, pod.getSpec().getContainers().getFirst(), 0, "busybox", null,
        List.of(new EnvVar("POD_NAME", "web-0")), false);

    assertThat(spec.mounts()).contains(
        Mount.of(global.resolve("web-0/logs").toString(), "/data", false),
        Mount.of(global.toString(), "/shared", true));
    assertThat((Integer) Files.getAttribute(global.resolve("web-0/logs"), "unix:mode") & 07777).isEqualTo(02775);
  }
}
