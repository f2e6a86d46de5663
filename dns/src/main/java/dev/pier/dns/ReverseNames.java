package dev.pier.dns;

import org.xbill.DNS.Name;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;

/** The IPv4 address of a reverse name ({@code 10.0.96.10.in-addr.arpa.} is 10.96.0.10). */
final class ReverseNames {
    private ReverseNames() {
    }

    static Optional<InetAddress> address(Name name) {
        String s = name.toString(true).toLowerCase(Locale.ROOT);
        String suffix = ".in-addr.arpa";
        if (!s.endsWith(suffix)) return Optional.empty();
        String[] octets = s.substring(0, s.length() - suffix.length()).split("\\.");
        if (octets.length != 4) return Optional.empty();
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            if (!octets[i].matches("\\d{1,3}") || Integer.parseInt(octets[i]) > 255) return Optional.empty();
            bytes[3 - i] = (byte) Integer.parseInt(octets[i]);
        }
        try {
            return Optional.of(InetAddress.getByAddress(bytes));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
