package dev.pier.agent.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.agent.cri.ContainerState;
import dev.pier.agent.cri.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The kubelet's phase rules, from what the runtime shows of each container. */
class PodPhaseTest {

  @Test
  void pendingUntilEveryContainerStartedAndInitIsDone() {
    assertThat(phase("Always", true, running(), waiting())).isEqualTo("Pending");
    assertThat(phase("Always", false, running(), running())).isEqualTo("Pending");
    assertThat(phase("Always", true, running(), running())).isEqualTo("Running");
  }

  @Test
  void endedContainersMakeThePhaseByRestartPolicy() {
    assertThat(phase("Always", true, exited(0), exited(0))).as("they restart").isEqualTo("Running");
    assertThat(phase("OnFailure", true, exited(0), exited(0))).isEqualTo("Succeeded");
    assertThat(phase("OnFailure", true, exited(0), exited(1))).as("the failed one restarts").isEqualTo("Running");
    assertThat(phase("Never", true, exited(0), exited(1))).isEqualTo("Failed");
    assertThat(phase("Never", true, exited(0), running())).isEqualTo("Running");
  }

  @Test
  void aFailedInitContainerUnderNeverFailsThePodAndTerminalPhasesStick() {
    var failedInit = new PodStatuses.Observed(List.of(exited(1)), List.of(waiting()), "", true, false, true);
    assertThat(PodStatuses.phase(pod("Never", null), failedInit)).isEqualTo("Failed");
    var observed = new PodStatuses.Observed(List.of(), List.of(running()), "", true, true, false);
    assertThat(PodStatuses.phase(pod("Always", "Succeeded"), observed)).isEqualTo("Succeeded");
  }

  private static String phase(String restartPolicy, boolean initDone, ContainerReport... main) {
    return PodStatuses.phase(pod(restartPolicy, null), new PodStatuses.Observed(List.of(), List.of(main), "", true, initDone, false));
  }

  private static Pod pod(String restartPolicy, String phase) {
    return new PodBuilder().withNewMetadata().withName("p").withNamespace("default").withUid("u").endMetadata()
        .withNewSpec().withRestartPolicy(restartPolicy).endSpec()
        .withNewStatus().withPhase(phase).endStatus().build();
  }

  private static ContainerReport running() {
    return report(Optional.of(status(ContainerState.RUNNING, 0)));
  }

  private static ContainerReport exited(int code) {
    return report(Optional.of(status(ContainerState.EXITED, code)));
  }

  private static ContainerReport waiting() {
    return report(Optional.empty());
  }

  private static ContainerReport report(Optional<ContainerStatus> current) {
    return new ContainerReport("c", "busybox", current, Optional.empty(), Optional.empty(), false, true, 0, "");
  }

  private static ContainerStatus status(ContainerState state, int exitCode) {
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    return new ContainerStatus("id", "c", 0, state, t, Optional.of(t),
        state == ContainerState.EXITED ? Optional.of(t) : Optional.empty(), exitCode, "busybox", "sha256:x", "", "", "",
        Map.of(), Map.of());
  }
}
