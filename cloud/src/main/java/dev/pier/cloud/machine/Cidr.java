package dev.pier.cloud.machine;

/** An IPv4 network such as {@code 10.250.3.0/24}, the form routes, CNI and Node.spec.podCIDR use. */
public record Cidr(int network, int prefixLength) {
  public Cidr {
    if (prefixLength < 0 || prefixLength > 32) {
      throw new IllegalArgumentException("prefix length must be 0-32, was " + prefixLength);
    }
    if ((network & ~mask(prefixLength)) != 0) {
      throw new IllegalArgumentException(format(network) + "/" + prefixLength + " has host bits set");
    }
  }

  public static Cidr parse(String text) {
    int slash = text.indexOf('/');
    if (slash < 0) return new Cidr(parseAddress(text), 32);
    return new Cidr(parseAddress(text.substring(0, slash)), Integer.parseInt(text.substring(slash + 1)));
  }

  /** The {@code n}-th address of the network (0 is the network address itself). */
  public String address(int n) {
    if (n < 0 || (prefixLength < 32 && Integer.toUnsignedLong(n) >= (1L << (32 - prefixLength)))) {
      throw new IllegalArgumentException("address " + n + " is outside " + this);
    }
    return format(network + n);
  }

  /** The {@code n}-th subnet of the given (longer) prefix length inside this network. */
  public Cidr subnet(int newPrefixLength, int n) {
    if (newPrefixLength < prefixLength || newPrefixLength > 32) {
      throw new IllegalArgumentException("/" + newPrefixLength + " does not fit in " + this);
    }
    long count = 1L << (newPrefixLength - prefixLength);
    if (n < 0 || n >= count) throw new IllegalArgumentException("subnet " + n + " is outside " + this);
    return new Cidr(network + (int) ((long) n << (32 - newPrefixLength)), newPrefixLength);
  }

  public boolean overlaps(Cidr other) {
    int shorter = Math.min(prefixLength, other.prefixLength);
    return (network & mask(shorter)) == (other.network & mask(shorter));
  }

  public boolean contains(String address) {
    return (parseAddress(address) & mask(prefixLength)) == network;
  }

  @Override
  public String toString() {
    return format(network) + "/" + prefixLength;
  }

  private static int mask(int prefixLength) {
    return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
  }

  static int parseAddress(String text) {
    String[] parts = text.split("\\.");
    if (parts.length != 4) throw new IllegalArgumentException("not an IPv4 address: " + text);
    int value = 0;
    for (String part : parts) {
      int octet = Integer.parseInt(part);
      if (octet < 0 || octet > 255) throw new IllegalArgumentException("not an IPv4 address: " + text);
      value = value << 8 | octet;
    }
    return value;
  }

  static String format(int address) {
    return (address >>> 24) + "." + (address >>> 16 & 255) + "." + (address >>> 8 & 255) + "." + (address & 255);
  }
}
