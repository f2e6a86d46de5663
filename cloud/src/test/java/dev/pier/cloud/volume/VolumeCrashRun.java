package dev.pier.cloud.volume;

import java.nio.file.Path;

/**
 * A Pier process about to crash: {@link LoopVolumeProviderTest} runs it in a JVM of its own, waits
 * for "READY", and kills it with SIGKILL, leaving a volume attached and no one to detach it.
 * Argument: the data directory.
 */
public final class VolumeCrashRun {
  private VolumeCrashRun() {}

  public static void main(String[] args) throws InterruptedException {
    var provider = LoopVolumeProvider.open(Path.of(args[0]));
    Volume volume = provider.create(new VolumeSpec("crashed/pvc-1", 4 << 20, "standard", "local", java.util.Map.of()));
    Volume attached = provider.attach(volume.id(), "node-x");
    System.out.println("READY " + attached.id() + " " + attached.attachment().orElseThrow().devicePath());
    System.out.flush();
    Thread.currentThread().join(); // until killed
  }
}
