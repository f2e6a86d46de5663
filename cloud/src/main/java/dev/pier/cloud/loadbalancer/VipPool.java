package dev.pier.cloud.loadbalancer;

import dev.pier.cloud.machine.Cidr;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * The virtual IPs of one installation's load balancers: every address of a range but its first
 * and last, each held by at most one load balancer. Who holds what is kept in a file of the data
 * directory, so that a load balancer keeps its address across restarts of Pier.
 */
final class VipPool {
  private final Cidr range;
  private final Path file;
  private final Map<String, String> held;

  private VipPool(Cidr range, Path file, Map<String, String> held) {
    this.range = range;
    this.file = file;
    this.held = held;
  }

  static VipPool open(Cidr range, Path file) {
    if (range.prefixLength() > 30) throw new IllegalArgumentException("VIP range " + range + " has no usable address");
    Map<String, String> held = new TreeMap<>();
    if (Files.exists(file)) {
      var props = new Properties();
      try (Reader in = Files.newBufferedReader(file)) {
        props.load(in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      // an address outside a changed range is given up; its load balancer gets a new one
      props.stringPropertyNames().stream().filter(n -> range.contains(props.getProperty(n)))
          .forEach(n -> held.put(n, props.getProperty(n)));
    }
    return new VipPool(range, file, held);
  }

  Cidr range() {
    return range;
  }

  Optional<String> heldBy(String name) {
    return Optional.ofNullable(held.get(name));
  }

  /** The address of {@code name}: the requested one, or the one it holds, or the first free one. */
  String allocate(String name, Optional<String> requested) {
    String current = held.get(name);
    if (requested.isPresent()) {
      String ip = requested.get();
      if (ip.equals(current)) return ip;
      if (!usable(ip)) {
        throw new LoadBalancerException(LoadBalancerException.Code.IP_UNAVAILABLE,
            "requested IP " + ip + " is outside this load balancer pool's range " + range + " (first and last address excluded)");
      }
      if (held.containsValue(ip)) {
        throw new LoadBalancerException(LoadBalancerException.Code.IP_UNAVAILABLE, "requested IP " + ip + " is used by another load balancer");
      }
      hold(name, ip);
      return ip;
    }
    if (current != null) return current;
    Set<String> taken = new HashSet<>(held.values());
    long size = 1L << (32 - range.prefixLength());
    for (int n = 1; n < size - 1; n++) {
      String ip = range.address(n);
      if (!taken.contains(ip)) {
        hold(name, ip);
        return ip;
      }
    }
    throw new LoadBalancerException(LoadBalancerException.Code.POOL_EXHAUSTED, "every address of " + range + " is in use");
  }

  /** Gives {@code name}'s address back; back to {@code previous} if given (undoing a failed change). */
  void release(String name, Optional<String> previous) {
    if (previous.isPresent()) held.put(name, previous.get());
    else held.remove(name);
    save();
  }

  private void hold(String name, String ip) {
    held.put(name, ip);
    save();
  }

  private boolean usable(String ip) {
    try {
      if (!range.contains(ip)) return false;
    } catch (IllegalArgumentException notIpv4) {
      return false;
    }
    return !ip.equals(range.address(0)) && !ip.equals(range.address((int) ((1L << (32 - range.prefixLength())) - 1)));
  }

  private void save() {
    var props = new Properties();
    props.putAll(held);
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      try (Writer out = Files.newBufferedWriter(tmp)) {
        props.store(out, "load balancer name = virtual IP");
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
