package dev.pier.apiserver.http;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Says what credentials a refused request carried, for the debug log, without the secret parts: a client
 * certificate's subject and issuer (public), the scheme of an Authorization header, never its value.
 */
final class Credentials {
    private static final Set<String> SCHEMES = Set.of("basic", "digest", "negotiate", "ntlm");

    private Credentials() {
    }

    static String describe(List<X509Certificate> certificates, String authorization) {
        StringBuilder why = new StringBuilder();
        if (!certificates.isEmpty()) {
            X509Certificate leaf = certificates.getFirst();
            why.append("client certificate \"").append(leaf.getSubjectX500Principal().getName())
                    .append("\" issued by \"").append(leaf.getIssuerX500Principal().getName())
                    .append("\" was not issued by this cell's CA");
        }
        if (authorization != null) {
            if (!why.isEmpty()) why.append("; ");
            // only a well-known scheme name is repeated: anything else may be the secret itself
            int space = authorization.indexOf(' ');
            String scheme = space < 0 ? "" : authorization.substring(0, space);
            if (scheme.equalsIgnoreCase("Bearer")) why.append("bearer token not recognized");
            else if (SCHEMES.contains(scheme.toLowerCase(Locale.ROOT))) why.append("Authorization scheme ").append(scheme).append(" not supported");
            else why.append("Authorization header of an unknown scheme");
        }
        return why.isEmpty() ? "no client certificate and no Authorization header" : why.toString();
    }
}
