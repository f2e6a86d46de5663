package dev.pier.cloud.machine;

/**
 * The addresses and names one Pier installation uses on its host, all derived from one small
 * number, its {@code index} (0-99), so that installations side by side never share a bridge, a
 * subnet or a route:
 *
 * <ul>
 *   <li>bridge {@code pier<index>} with the gateway {@code 10.250.<index>.1}; machine {@code s}
 *       (slot 2-254) is {@code 10.250.<index>.<s>} on it;
 *   <li>pod network {@code 10.<150+index>.0.0/16}; machine {@code s} gets the pod CIDR
 *       {@code 10.<150+index>.<s>.0/24}.
 * </ul>
 *
 * Both ranges stay clear of Kubernetes' default service network, 10.96.0.0/12.
 */
public record HostNetwork(int index) {
  public static final int MAX_INDEX = 99;
  static final int FIRST_SLOT = 2;
  static final int LAST_SLOT = 254;

  public HostNetwork {
    if (index < 0 || index > MAX_INDEX) {
      throw new IllegalArgumentException("network index must be 0-" + MAX_INDEX + ", was " + index);
    }
  }

  public String bridge() {
    return "pier" + index;
  }

  public Cidr machineSubnet() {
    return Cidr.parse("10.250." + index + ".0/24");
  }

  /** The host's address on the bridge: what machines reach the host (and its registry) at. */
  public String gateway() {
    return machineSubnet().address(1);
  }

  public Cidr podNetwork() {
    return Cidr.parse("10." + (150 + index) + ".0.0/16");
  }

  String machineAddress(int slot) {
    return machineSubnet().address(checkSlot(slot));
  }

  Cidr podCidr(int slot) {
    return podNetwork().subnet(24, checkSlot(slot));
  }

  /** Host end of a machine's veth pair; interface names are limited to 15 characters. */
  String hostVeth(int slot) {
    return "pv" + index + "x" + checkSlot(slot);
  }

  /** Network namespace, cgroup and runtime directory name of a machine: unique on the host. */
  String machineId(String machineName) {
    return "pier" + index + "-" + machineName;
  }

  /** The iptables nat chain holding this installation's rules. */
  String natChain() {
    return "PIER-" + index;
  }

  private static int checkSlot(int slot) {
    if (slot < FIRST_SLOT || slot > LAST_SLOT) {
      throw new IllegalArgumentException("machine slot must be " + FIRST_SLOT + "-" + LAST_SLOT + ", was " + slot);
    }
    return slot;
  }
}
