package dev.pier.apiserver.resources.core;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** IP address checks for services and endpoints, without ever resolving a name. */
public final class Ips {
    public static final String INVALID = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)";
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

    private Ips() {
    }

    public static boolean isIPv4(String s) {
        var m = IPV4.matcher(s);
        if (!m.matches()) return false;
        for (int i = 1; i <= 4; i++) if (Integer.parseInt(m.group(i)) > 255) return false;
        return true;
    }

    public static boolean isIPv6(String s) {
        // With a colon in it, InetAddress parses a literal and never looks a name up.
        if (!s.contains(":") || s.contains("%") || s.startsWith("[")) return false;
        try {
            return InetAddress.getByName(s) instanceof Inet6Address;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    public static boolean isValid(String s) {
        return isIPv4(s) || isIPv6(s);
    }

    /** An IPv4 address as an unsigned 32-bit number. */
    public static long toLong(String ipv4) {
        String[] parts = ipv4.split("\\.");
        long v = 0;
        for (String p : parts) v = (v << 8) | Integer.parseInt(p);
        return v;
    }

    public static String fromLong(long v) {
        return ((v >> 24) & 255) + "." + ((v >> 16) & 255) + "." + ((v >> 8) & 255) + "." + (v & 255);
    }
}
