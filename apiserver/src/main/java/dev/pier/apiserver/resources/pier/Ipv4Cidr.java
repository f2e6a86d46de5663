package dev.pier.apiserver.resources.pier;

/**
 * An IPv4 network in CIDR notation, such as {@code 10.244.0.0/16}: what a cluster's pod and service
 * ranges are. Only network addresses parse (no host bits set), so a range has one spelling.
 *
 * @param address the network address as an unsigned 32-bit value
 * @param prefix  the prefix length, 0-32
 */
public record Ipv4Cidr(long address, int prefix) {
    public static final Ipv4Cidr LINK_LOCAL = parse("169.254.0.0/16");
    public static final Ipv4Cidr LOOPBACK = parse("127.0.0.0/8");

    /** Why {@code text} is not an IPv4 network in CIDR notation, or null if it is. */
    public static String problem(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) return "must be an IPv4 network in CIDR notation, e.g. 10.244.0.0/16";
        long address = address(text.substring(0, slash));
        int prefix = number(text.substring(slash + 1), 32);
        if (address < 0 || prefix < 0) return "must be an IPv4 network in CIDR notation, e.g. 10.244.0.0/16";
        if ((address & ~mask(prefix)) != 0) {
            return "must be a network address: the host bits must be zero (" + format(address & mask(prefix)) + "/" + prefix + ")";
        }
        return null;
    }

    /** Parses a network written as {@link #problem} accepts it; throws IllegalArgumentException saying why not. */
    public static Ipv4Cidr parse(String text) {
        String why = problem(text);
        if (why != null) throw new IllegalArgumentException("\"" + text + "\" " + why);
        int slash = text.indexOf('/');
        return new Ipv4Cidr(address(text.substring(0, slash)), number(text.substring(slash + 1), 32));
    }

    public boolean overlaps(Ipv4Cidr other) {
        int shorter = Math.min(prefix, other.prefix);
        return (address & mask(shorter)) == (other.address & mask(shorter));
    }

    /** How many subnets of prefix length {@code subnetPrefix} fit in this network (0 when they are larger). */
    public long subnets(int subnetPrefix) {
        return subnetPrefix < prefix ? 0 : 1L << (subnetPrefix - prefix);
    }

    @Override
    public String toString() {
        return format(address) + "/" + prefix;
    }

    private static long mask(int prefix) {
        return prefix == 0 ? 0 : (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
    }

    /** Four dotted decimal numbers 0-255 without leading zeros (which some tools read as octal); -1 if not. */
    private static long address(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) return -1;
        long a = 0;
        for (String p : parts) {
            int octet = number(p, 255);
            if (octet < 0) return -1;
            a = a << 8 | octet;
        }
        return a;
    }

    /** A decimal number 0..max without sign or leading zeros; -1 if not. */
    private static int number(String text, int max) {
        if (text.isEmpty() || text.length() > 3 || (text.length() > 1 && text.charAt(0) == '0')) return -1;
        int n = 0;
        for (char c : text.toCharArray()) {
            if (c < '0' || c > '9') return -1;
            n = n * 10 + (c - '0');
        }
        return n <= max ? n : -1;
    }

    private static String format(long a) {
        return (a >> 24 & 255) + "." + (a >> 16 & 255) + "." + (a >> 8 & 255) + "." + (a & 255);
    }
}
