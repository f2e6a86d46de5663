package dev.pier.apiserver.http;

import java.util.Locale;

/** Reads what the client asks for in Accept: a Table, aggregated discovery, or plain JSON. */
public final class Negotiation {
    private Negotiation() {
    }

    /** True when the first acceptable type that Pier can serve is a meta.k8s.io Table. */
    public static boolean wantsTable(String accept) {
        if (accept == null) return false;
        for (String part : accept.split(",")) {
            String p = part.toLowerCase(Locale.ROOT).replace(" ", "");
            if (p.contains("as=table") && p.contains("g=meta.k8s.io")) return true;
            if (p.startsWith("application/json") || p.startsWith("*/*")) return false;
        }
        return false;
    }

    /** "v2", "v2beta1" or null: the aggregated discovery version the client prefers. */
    public static String aggregatedDiscovery(String accept) {
        if (accept == null) return null;
        for (String part : accept.split(",")) {
            String p = part.toLowerCase(Locale.ROOT).replace(" ", "");
            if (p.contains("as=apigroupdiscoverylist") && p.contains("g=apidiscovery.k8s.io")) {
                if (p.contains("v=v2beta1")) return "v2beta1";
                if (p.contains("v=v2;") || p.endsWith("v=v2")) return "v2";
            }
            if (p.startsWith("application/json") && !p.contains("as=")) return null;
        }
        return null;
    }
}
