package dev.pier.cloud.machine;

import dev.pier.cloud.host.DirectoryLock;
import dev.pier.agent.cri.CriClient;
import dev.pier.agent.cri.CriException;
import dev.pier.agent.cri.Sandbox;
import dev.pier.agent.cri.SandboxFilter;
import dev.pier.cloud.host.CommandRunner;
import dev.pier.cloud.host.Poll;
import dev.pier.cloud.host.SupervisedProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Machines on the local host. A machine is a network namespace with its own address on the
 * installation's bridge, its own containerd (own root, state, sockets, runc root and cgroup) and
 * the programs its spec names, all started here with {@code nsenter --net} and restarted when they
 * die. Pod CIDRs are routed between all machines and from the host.
 *
 * <p>Creating a machine: allocate a slot (its address and pod CIDR), make its namespace, write its
 * containerd and CNI configuration, start containerd and wait until it answers CRI, route, start
 * its programs. Deleting it undoes each step and then removes whatever a crash could have left:
 * processes still in its cgroups, mounts under its directories, its cgroups, CNI cache entries.
 * {@code ip netns exec} is not used to enter a namespace: it remounts /sys, and containerd then
 * finds no cgroup mount.
 *
 * <p>One provider per data directory (a lock file enforces it). {@link #close()} stops every
 * machine and removes the host bridge but keeps the machines' data, so {@link #create} after a new
 * {@link #start} brings the same machines back with their images.
 */
public final class LocalMachineProvider implements MachineProvider {
  private static final Logger log = LoggerFactory.getLogger(LocalMachineProvider.class);
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);
  private static final Duration KILL_TIMEOUT = Duration.ofSeconds(30);

  private final LocalMachineConfig config;
  private final CommandRunner run;
  private final Path machinesDir;
  private final DirectoryLock dataDirLock;
  private final NetworkClaims.Claim claim;
  private final HostBridge bridge;
  private final MachineNetworking networking;
  private final ScheduledExecutorService scheduler;
  /**
   * One machine is created or deleted at a time (its lock); different machines in parallel.
   * Slots, records, routes and {@link #running} change under {@code this} only.
   */
  private final Map<String, ReentrantLock> machineLocks = new ConcurrentHashMap<>();
  private final Map<String, RunningMachine> running = new LinkedHashMap<>();
  private boolean closed;

  private LocalMachineProvider(LocalMachineConfig config, CommandRunner run, Path machinesDir,
      DirectoryLock dataDirLock, NetworkClaims.Claim claim) {
    this.config = config;
    this.run = run;
    this.machinesDir = machinesDir;
    this.dataDirLock = dataDirLock;
    this.claim = claim;
    this.bridge = new HostBridge(run, claim.network());
    this.networking = new MachineNetworking(run);
    this.scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("machine-supervisor").factory());
  }

  /**
   * Claims this installation's network on the host, sets up its bridge, and clears what an
   * earlier run that did not close left of its machines (they are then {@code STOPPED}).
   */
  public static LocalMachineProvider start(LocalMachineConfig config) {
    var run = new CommandRunner();
    Path machinesDir = config.dataDir().resolve("machines");
    DirectoryLock lock = DirectoryLock.acquire(machinesDir, ".lock", "another Pier process manages the machines of " + machinesDir.getParent());
    try {
      OptionalInt previous = readNetworkIndex(machinesDir);
      var claim = NetworkClaims.claim(config.dataDir(), previous, hostRoutes(run));
      writeNetworkIndex(machinesDir, claim.network().index());
      log.info("machines of {} use bridge {} ({}), pod network {}", config.dataDir(),
          claim.network().bridge(), claim.network().machineSubnet(), claim.network().podNetwork());
      var provider = new LocalMachineProvider(config, run, machinesDir, lock, claim);
      try {
        provider.bridge.ensure(provider.loopbackPorts());
        for (MachineLayout leftover : provider.persistedLayouts()) {
          provider.teardown(leftover, null, false);
        }
        return provider;
      } catch (RuntimeException e) {
        // the claim stays: what could not be cleared still uses the network, and the next start clears it
        provider.scheduler.shutdownNow();
        throw e;
      }
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  public HostNetwork network() {
    return claim.network();
  }

  @Override
  public Machine create(MachineSpec spec) {
    ReentrantLock lock = lockOf(spec.name());
    lock.lock();
    try {
      return createLocked(spec);
    } finally {
      lock.unlock();
    }
  }

  private Machine createLocked(MachineSpec spec) {
    MachineLayout layout;
    synchronized (this) {
      checkOpen();
      RunningMachine existing = running.get(spec.name());
      if (existing != null) return existing.machine();
      layout = persistedLayout(spec.name()).orElseGet(() -> allocate(spec.name()));
    }
    log.info("creating machine {} at {} (pods {})", spec.name(), layout.address(), layout.podCidr());
    RunningMachine started = null;
    try {
      prepare(layout);
      SupervisedProcess runtime = supervise("containerd", layout, List.of("containerd", "--config", layout.containerdConfig().toString()), Map.of());
      Map<String, SupervisedProcess> programs = new LinkedHashMap<>();
      for (MachineProcess process : spec.processes()) {
        Map<String, String> env = new LinkedHashMap<>(MachineProcess.environment(machine(layout)));
        env.putAll(process.env());
        programs.put(process.name(), supervise(process.name(), layout, process.command(), env));
      }
      started = new RunningMachine(layout, runtime, Map.copyOf(programs));
      runtime.start();
      awaitRuntime(layout, runtime);
      synchronized (this) {
        checkOpen();
        networking.connect(layout, otherLayouts(layout.name()));
        running.put(layout.name(), started);
      }
      programs.values().forEach(SupervisedProcess::start);
      log.info("machine {} is up", spec.name());
      return started.machine();
    } catch (RuntimeException e) {
      log.error("creating machine {} failed; clearing what was made", spec.name(), e);
      synchronized (this) {
        running.remove(layout.name());
      }
      try {
        teardown(layout, started, false);
      } catch (RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  @Override
  public void delete(String name) {
    ReentrantLock lock = lockOf(name);
    lock.lock();
    try {
      RunningMachine machine;
      Optional<MachineLayout> layout;
      synchronized (this) {
        checkOpen();
        machine = running.remove(name);
        layout = machine != null ? Optional.of(machine.layout()) : persistedLayout(name);
      }
      if (layout.isEmpty()) return;
      log.info("deleting machine {}", name);
      teardown(layout.get(), machine, true);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public synchronized List<Machine> list() {
    return persistedLayouts().stream().map(LocalMachineProvider::machine).toList();
  }

  @Override
  public synchronized Optional<MachineStatus> status(String name) {
    RunningMachine machine = running.get(name);
    if (machine != null) return Optional.of(machine.status());
    return persistedLayout(name).map(l -> new MachineStatus(name, MachineStatus.State.STOPPED, Map.of()));
  }

  /**
   * Stops every machine (keeping its data), removes the bridge and gives the network back. Creates
   * and deletes under way finish first; new ones are refused.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) return;
      closed = true;
    }
    try {
      for (String name : machineLocks.keySet().stream().sorted().toList()) {
        ReentrantLock lock = lockOf(name);
        lock.lock();
        try {
          RunningMachine machine;
          synchronized (this) {
            machine = running.remove(name);
          }
          if (machine != null) teardown(machine.layout(), machine, false);
        } finally {
          lock.unlock();
        }
      }
      bridge.remove();
      NetworkClaims.release(claim);
    } finally {
      scheduler.shutdownNow();
      dataDirLock.close();
    }
  }

  static Machine machine(MachineLayout m) {
    return new Machine(m.name(), m.address(), m.podCidr(), m.network().podNetwork(), m.network().gateway(), m.runtimeSocket(),
        m.netnsPath(), m.podCgroupParent(), m.nodeDir());
  }

  // ---- creating ----

  private void prepare(MachineLayout m) {
    try {
      for (Path dir : List.of(m.logDir(), m.nodeDir(), m.runtimeDir(), m.containerdState().resolve("tmp"))) {
        Files.createDirectories(dir);
      }
      ContainerdConfig.write(m, "http://" + m.network().gateway() + ":" + config.registryPort(), config.sandboxImage());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    networking.create(m);
  }

  private SupervisedProcess supervise(String name, MachineLayout m, List<String> command, Map<String, String> env) {
    List<String> inNamespace = new ArrayList<>(List.of("nsenter", "--net=" + m.netnsPath()));
    inNamespace.addAll(command);
    return new SupervisedProcess(name + " of " + m.name(), inNamespace, env,
        m.logDir().resolve(name + ".log"), run, scheduler);
  }

  /** Waits until containerd answers CRI; fails at once if it exits first. */
  private void awaitRuntime(MachineLayout m, SupervisedProcess runtime) {
    CompletableFuture<Process> exit = runtime.currentExit();
    Poll.until(config.startTimeout(), () -> "containerd of " + m.name() + " to listen on " + m.runtimeSocket(), () -> {
      if (exit.isDone()) {
        throw new IllegalStateException("containerd of " + m.name() + " exited at start; see " + m.logDir().resolve("containerd.log"));
      }
      return Files.exists(m.runtimeSocket());
    });
    try (CriClient cri = CriClient.connect(m.runtimeSocket())) {
      var version = cri.awaitReady(config.startTimeout());
      log.info("machine {}: {} {} answers CRI {}", m.name(), version.runtimeName(), version.runtimeVersion(), version.runtimeApiVersion());
    }
  }

  private MachineLayout allocate(String name) {
    List<Integer> used = persistedLayouts().stream().map(MachineLayout::slot).toList();
    for (int slot = HostNetwork.FIRST_SLOT; slot <= HostNetwork.LAST_SLOT; slot++) {
      if (!used.contains(slot)) {
        MachineLayout layout = MachineLayout.of(name, slot, claim.network(), machinesDir, claim.runtimeDir());
        writeRecord(layout);
        return layout;
      }
    }
    throw new IllegalStateException("all " + (HostNetwork.LAST_SLOT - HostNetwork.FIRST_SLOT + 1) + " machine slots are taken");
  }

  // ---- removing ----

  /**
   * Stops a machine and removes its runtime state; with {@code removeData} its data too. Each
   * step is idempotent, so this also clears what a crashed run left.
   */
  private void teardown(MachineLayout m, RunningMachine machine, boolean removeData) {
    if (machine != null) {
      for (SupervisedProcess p : machine.programs()) p.stop(STOP_GRACE);
      if (machine.runtime().running()) removeSandboxes(m);
      machine.runtime().stop(STOP_GRACE);
    }
    // shims, pause and container processes: everything still in the machine's cgroups
    Cgroups.killAll(m.id(), KILL_TIMEOUT);
    Mounts.unmountAll(run, m.runtimeDir());
    Mounts.unmountAll(run, m.dataDir());
    synchronized (this) {
      networking.disconnect(m, otherLayouts(m.name()));
    }
    networking.delete(m);
    Cgroups.remove(m.id());
    RuntimeLeftovers.remove(m);
    removeTree(m.runtimeDir());
    if (removeData) removeTree(m.dataDir());
  }

  /**
   * Stops and removes the machine's pods through CRI, so that CNI releases their addresses and
   * containerd its mounts; what this misses, the steps after it remove by force.
   */
  private void removeSandboxes(MachineLayout m) {
    try (CriClient cri = CriClient.builder(m.runtimeSocket()).callTimeout(Duration.ofSeconds(30)).connect()) {
      for (Sandbox sandbox : cri.listPodSandboxes(SandboxFilter.ALL)) {
        cri.stopPodSandbox(sandbox.id());
        cri.removePodSandbox(sandbox.id());
      }
    } catch (CriException e) {
      log.warn("could not remove the pods of machine {} through CRI ({}); removing them by force", m.name(), e.getMessage());
    }
  }

  /** {@code rm -rf}, but never across a mount point, should an unmount have failed silently. */
  private void removeTree(Path dir) {
    if (Files.exists(dir)) {
      run.run("rm", "-rf", "--one-file-system", dir.toString());
    }
  }

  // ---- records ----

  private ReentrantLock lockOf(String name) {
    return machineLocks.computeIfAbsent(name, n -> new ReentrantLock());
  }

  private List<MachineLayout> otherLayouts(String name) {
    return running.values().stream().map(RunningMachine::layout).filter(l -> !l.name().equals(name)).toList();
  }

  private List<MachineLayout> persistedLayouts() {
    List<MachineLayout> layouts = new ArrayList<>();
    if (!Files.isDirectory(machinesDir)) return layouts;
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(machinesDir, Files::isDirectory)) {
      for (Path dir : dirs) persistedLayout(dir.getFileName().toString()).ifPresent(layouts::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    layouts.sort((a, b) -> Integer.compare(a.slot(), b.slot()));
    return layouts;
  }

  private Optional<MachineLayout> persistedLayout(String name) {
    Path file = machinesDir.resolve(name).resolve("machine.properties");
    if (!Files.exists(file)) return Optional.empty();
    Properties p = new Properties();
    try (var in = Files.newBufferedReader(file)) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int slot = Integer.parseInt(p.getProperty("slot"));
    return Optional.of(MachineLayout.of(name, slot, claim.network(), machinesDir, claim.runtimeDir()));
  }

  private static void writeRecord(MachineLayout m) {
    Properties p = new Properties();
    p.setProperty("name", m.name());
    p.setProperty("slot", Integer.toString(m.slot()));
    try {
      Files.createDirectories(m.dataDir());
      try (var out = Files.newBufferedWriter(m.recordFile())) {
        p.store(out, "Pier machine: its slot fixes its address and pod CIDR");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static OptionalInt readNetworkIndex(Path machinesDir) {
    Path file = machinesDir.resolve("network");
    try {
      return Files.exists(file) ? OptionalInt.of(Integer.parseInt(Files.readString(file).strip())) : OptionalInt.empty();
    } catch (IOException | NumberFormatException e) {
      return OptionalInt.empty();
    }
  }

  private static void writeNetworkIndex(Path machinesDir, int index) {
    try {
      Files.writeString(machinesDir.resolve("network"), index + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<Integer> loopbackPorts() {
    List<Integer> ports = new ArrayList<>(List.of(config.registryPort()));
    ports.addAll(config.hostPorts());
    return ports;
  }

  /** Destinations of the host's IPv4 routes (main table), to keep new networks clear of them. */
  private static List<Cidr> hostRoutes(CommandRunner run) {
    List<Cidr> routes = new ArrayList<>();
    for (String line : run.run("ip", "-4", "route", "show").stdout().split("\n")) {
      String destination = line.strip().split(" ")[0];
      if (!destination.isEmpty() && Character.isDigit(destination.charAt(0))) {
        routes.add(Cidr.parse(destination));
      }
    }
    return routes;
  }

  private void checkOpen() {
    if (closed) throw new IllegalStateException("the machine provider of " + config.dataDir() + " is closed");
  }


}
