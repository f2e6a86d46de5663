package dev.pier.cloud;

import dev.pier.agent.cri.ContainerState;
import dev.pier.agent.cri.CriClient;
import dev.pier.cloud.machine.LocalMachineConfig;
import dev.pier.cloud.machine.LocalMachineProvider;
import dev.pier.cloud.machine.Machine;
import dev.pier.cloud.machine.MachineSpec;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A Pier process about to crash: {@link CrashRecoveryTest} runs it in a JVM of its own, waits for
 * "READY", and kills it with SIGKILL, leaving a machine with a running pod and no one to clean up.
 * Arguments: data directory, registry port.
 */
public final class CrashedRun {
  private CrashedRun() {}

  public static void main(String[] args) throws InterruptedException {
    var provider = LocalMachineProvider.start(LocalMachineConfig.of(Path.of(args[0]), Integer.parseInt(args[1])));
    Machine machine = provider.create(MachineSpec.named("node-x"));
    CriClient cri = CriClient.connect(machine.runtimeSocket());
    var pods = new Pods(machine, cri);
    var pod = pods.run("doomed");
    String id = pods.start(pod, "sleep", "busybox", c -> c.command("sleep", "3600"));
    Await.until(Duration.ofSeconds(60), "the pod to run", () -> cri.containerStatus(id).state() == ContainerState.RUNNING);
    System.out.println("READY " + pod.ip());
    System.out.flush();
    Thread.currentThread().join(); // until killed
  }
}
