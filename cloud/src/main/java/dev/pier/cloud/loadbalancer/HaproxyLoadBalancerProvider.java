package dev.pier.cloud.loadbalancer;

import dev.pier.cloud.host.DirectoryLock;
import dev.pier.cloud.host.CommandRunner;
import dev.pier.cloud.machine.Cidr;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Load balancers on the local host: one HAProxy per installation (one data directory), each load
 * balancer a VIP from the installation's pool with one TCP frontend per port, forwarding to every
 * node on the port's NodePort with a health check per node.
 *
 * <p>Every change writes the whole configuration to a new file, has HAProxy check it
 * ({@code haproxy -c}), moves it into place atomically and reloads HAProxy without dropping a
 * connection (see {@link HaproxyProcess}); {@link #ensure} and {@link #delete} return once HAProxy
 * serves the new configuration. A configuration HAProxy refuses changes nothing.
 *
 * <p>The provider claims an index per data directory ({@link InstallationClaim}); HAProxy's
 * configuration, admin socket and pid file live in {@code /run/pier/lb-<n>}, and {@link #close}
 * stops HAProxy and removes them. VIP assignments stay in the data directory, so Services keep
 * their addresses across restarts. Load balancers themselves are not kept: after a restart, the
 * service controller ensures every one again.
 */
public final class HaproxyLoadBalancerProvider implements LoadBalancerProvider {
  private static final Logger log = LoggerFactory.getLogger(HaproxyLoadBalancerProvider.class);
  private static final Set<String> PROTOCOLS = Set.of("TCP");

  private final DirectoryLock dataDirLock;
  private final InstallationClaim claim;
  private final VipPool pool;
  private final HaproxyProcess haproxy;
  private final ScheduledExecutorService supervisor;
  private final Path configFile;
  private final Path adminSocket;
  private Map<String, LoadBalancerStatus> served = new LinkedHashMap<>();
  private long generation;
  private boolean closed;

  private HaproxyLoadBalancerProvider(DirectoryLock dataDirLock, InstallationClaim claim, VipPool pool, Path logFile) {
    this.dataDirLock = dataDirLock;
    this.claim = claim;
    this.pool = pool;
    this.configFile = claim.runtimeDir().resolve("haproxy.cfg");
    this.adminSocket = claim.runtimeDir().resolve("admin.sock");
    this.supervisor = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("haproxy-supervisor").factory());
    this.haproxy = new HaproxyProcess(configFile, claim.runtimeDir().resolve("haproxy.pid"), adminSocket, logFile,
        new CommandRunner(), supervisor);
  }

  /** Claims this installation's index, stops what an earlier run left, and starts HAProxy with no load balancer. */
  public static HaproxyLoadBalancerProvider start(HaproxyLoadBalancerConfig config) {
    Path dir = config.dataDir().resolve("loadbalancers");
    DirectoryLock lock = DirectoryLock.acquire(dir, "lock", "another load balancer provider runs on " + dir);
    try {
      Path indexFile = dir.resolve("index");
      var claim = InstallationClaim.claim(config.dataDir(), readIndex(indexFile));
      Files.writeString(indexFile, Integer.toString(claim.index()));
      Cidr range = config.vipRange().orElse(Cidr.parse("127.77." + claim.index() + ".0/24"));
      var provider = new HaproxyLoadBalancerProvider(lock, claim, VipPool.open(range, dir.resolve("vips.properties")), dir.resolve("haproxy.log"));
      try {
        provider.writeConfig(provider.served);
        provider.haproxy.start(provider.generation);
      } catch (RuntimeException e) {
        provider.supervisor.shutdownNow();
        throw e; // the claim stays: the next start finds it ours and stops what this one left
      }
      log.info("load balancers of {} served by HAProxy (pid {}), VIPs from {}, configuration {}", config.dataDir(),
          provider.haproxy.masterPid(), range, provider.configFile);
      return provider;
    } catch (IOException e) {
      lock.close();
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  @Override
  public Set<String> protocols() {
    return PROTOCOLS;
  }

  @Override
  public synchronized LoadBalancerStatus ensure(LoadBalancerSpec spec) {
    checkOpen();
    for (LoadBalancerSpec.Port port : spec.ports()) {
      if (!PROTOCOLS.contains(port.protocol())) {
        throw new LoadBalancerException(LoadBalancerException.Code.UNSUPPORTED_PROTOCOL,
            "HAProxy load balancers forward TCP only; port " + port.port() + " is " + port.protocol());
      }
    }
    Optional<String> previousIp = pool.heldBy(spec.name());
    String ip = pool.allocate(spec.name(), spec.requestedIp());
    var status = new LoadBalancerStatus(spec.name(), ip, spec);
    if (status.equals(served.get(spec.name()))) return status;
    Map<String, LoadBalancerStatus> next = new LinkedHashMap<>(served);
    next.put(spec.name(), status);
    try {
      apply(next);
    } catch (RuntimeException e) {
      if (!previousIp.equals(Optional.of(ip))) pool.release(spec.name(), previousIp);
      throw e;
    }
    log.info("load balancer {} serves {} on ports {} to {}", spec.name(), ip,
        spec.ports().stream().map(LoadBalancerSpec.Port::port).toList(), spec.backends());
    return status;
  }

  @Override
  public synchronized void delete(String name) {
    checkOpen();
    if (served.containsKey(name)) {
      Map<String, LoadBalancerStatus> next = new LinkedHashMap<>(served);
      next.remove(name);
      apply(next);
      log.info("load balancer {} removed", name);
    }
    if (pool.heldBy(name).isPresent()) pool.release(name, Optional.empty());
  }

  @Override
  public synchronized List<LoadBalancerStatus> list() {
    return new ArrayList<>(served.values());
  }

  @Override
  public synchronized Optional<LoadBalancerStatus> status(String name) {
    return Optional.ofNullable(served.get(name));
  }

  /** The configuration HAProxy serves (for tests and operators: it is rewritten on every change). */
  public Path configFile() {
    return configFile;
  }

  /** HAProxy's runtime API on its admin socket ({@code show stat}, {@code show info}). */
  public HaproxyRuntimeApi runtimeApi() {
    return haproxy.api();
  }

  public Cidr vipRange() {
    return pool.range();
  }

  /** Stops HAProxy (closing its connections) and removes its runtime files; VIP assignments stay. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) return;
      closed = true;
    }
    try {
      haproxy.stop();
      for (String file : List.of("haproxy.cfg", "haproxy.cfg.tmp", "admin.sock", "haproxy.pid")) {
        Files.deleteIfExists(claim.runtimeDir().resolve(file));
      }
      claim.release();
      log.info("HAProxy of {} stopped", claim.runtimeDir());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      supervisor.shutdownNow();
      dataDirLock.close();
    }
  }

  private void apply(Map<String, LoadBalancerStatus> next) {
    writeConfig(next);
    served = next;
    haproxy.reload(generation);
  }

  /** Writes, checks and moves into place the configuration of {@code loadBalancers}; changes nothing if HAProxy refuses it. */
  private void writeConfig(Map<String, LoadBalancerStatus> loadBalancers) {
    long nextGeneration = generation + 1;
    Path candidate = configFile.resolveSibling("haproxy.cfg.tmp");
    try {
      Files.writeString(candidate, HaproxyConfigFile.render(nextGeneration, adminSocket, loadBalancers.values()));
      haproxy.validate(candidate);
      Files.move(candidate, configFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    generation = nextGeneration;
  }

  private void checkOpen() {
    if (closed) throw new IllegalStateException("load balancer provider is closed");
  }

  private static OptionalInt readIndex(Path file) throws IOException {
    if (!Files.exists(file)) return OptionalInt.empty();
    try {
      return OptionalInt.of(Integer.parseInt(Files.readString(file).strip()));
    } catch (NumberFormatException damaged) {
      return OptionalInt.empty();
    }
  }


}
