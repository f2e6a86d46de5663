package dev.pier.cloud.cluster;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;

/**
 * Names of a node group's machines (and so of its nodes): {@code <cluster>-node-<i>} for the default group, as
 * {@code pier up} always named them, {@code <cluster>-<group>-<i>} for the others, with the lowest index not in
 * use. A name longer than a machine name may be (40) uses a short hash of the group instead.
 */
final class MachineNames {
  static final int MAX_LENGTH = 40;

  private MachineNames() {}

  static String prefix(String cluster, String group) {
    String prefix = cluster + "-" + (group.equals(ClusterObjects.DEFAULT_GROUP) ? "node" : group) + "-";
    if (prefix.length() + 2 <= MAX_LENGTH) return prefix;
    return cluster + "-" + shortHash(group) + "-";
  }

  /** The name of the next machine: the lowest index whose name is not taken. */
  static String next(String prefix, Set<String> taken) {
    for (int i = 1; ; i++) {
      String name = prefix + i;
      if (!taken.contains(name)) return name;
    }
  }

  /** The index at the end of a machine's name, for ordering (newest = highest); 0 when there is none. */
  static int index(String name) {
    int dash = name.lastIndexOf('-');
    try {
      return Integer.parseInt(name.substring(dash + 1));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static String shortHash(String group) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(group.getBytes(StandardCharsets.UTF_8));
      return "g" + HexFormat.of().formatHex(digest).substring(0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
