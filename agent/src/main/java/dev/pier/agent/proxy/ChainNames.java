package dev.pier.agent.proxy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * kube-proxy's chain names: a prefix and the first 16 characters of the base32 SHA-256 of the Service port's
 * name and protocol (and, for an endpoint's chain, its {@code ip:port}), so that a node that ran kube-proxy
 * and one that runs Pier name the same Service's chains alike.
 */
final class ChainNames {
    static final String SERVICES = "KUBE-SERVICES";
    static final String EXTERNAL_SERVICES = "KUBE-EXTERNAL-SERVICES";
    static final String NODE_PORTS = "KUBE-NODEPORTS";
    static final String POSTROUTING = "KUBE-POSTROUTING";
    static final String MARK_MASQ = "KUBE-MARK-MASQ";
    static final String FORWARD = "KUBE-FORWARD";
    /** Pier's own: masquerade unless from one of several pod ranges (kube-proxy has a single cluster CIDR). */
    static final String MASQ_NON_POD = "KUBE-PIER-NON-POD";
    /** Prefixes of the per-Service chains: any chain of the table with one of these is the proxy's. */
    static final String[] SERVICE_PREFIXES = {"KUBE-SVC-", "KUBE-SVL-", "KUBE-EXT-", "KUBE-SEP-"};

    private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

    private ChainNames() {
    }

    static String service(String portName, String protocol) {
        return "KUBE-SVC-" + hash(portName + protocol);
    }

    static String serviceLocal(String portName, String protocol) {
        return "KUBE-SVL-" + hash(portName + protocol);
    }

    static String external(String portName, String protocol) {
        return "KUBE-EXT-" + hash(portName + protocol);
    }

    static String endpoint(String portName, String protocol, String address) {
        return "KUBE-SEP-" + hash(portName + protocol + address);
    }

    static boolean isServiceChain(String chain) {
        for (String p : SERVICE_PREFIXES) if (chain.startsWith(p)) return true;
        return false;
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return base32(digest).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** RFC 4648 base32 (Go's StdEncoding); only a prefix is used, so padding is left out. */
    static String base32(byte[] data) {
        StringBuilder out = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(BASE32[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0) out.append(BASE32[(buffer << (5 - bits)) & 31]);
        return out.toString();
    }
}
