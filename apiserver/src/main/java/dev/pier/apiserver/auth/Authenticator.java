package dev.pier.apiserver.auth;

import dev.pier.pki.CertificateAuthority;
import dev.pier.pki.ClientIdentity;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * Authenticates requests to one cell: a TLS client certificate issued by the cell's CA (CN = user,
 * O = groups), or a bearer token the cell knows. TLS itself accepts any client certificate, because
 * the cell is only known once the path is read; the check against the cell's own CA happens here.
 */
public final class Authenticator {
    private final CertificateAuthority clientCa;
    private final TokenFile tokens;

    public Authenticator(CertificateAuthority clientCa, TokenFile tokens) {
        this.clientCa = clientCa;
        this.tokens = tokens;
    }

    /**
     * @param peerCertificates the client's chain, leaf first; empty when none was presented
     * @param authorization    the Authorization header, or null
     */
    public Optional<UserInfo> authenticate(List<X509Certificate> peerCertificates, String authorization) {
        if (!peerCertificates.isEmpty()) {
            Optional<ClientIdentity> id = clientCa.authenticateClient(peerCertificates.getFirst());
            if (id.isPresent()) return Optional.of(withAuthenticated(new UserInfo(id.get().user(), id.get().groups())));
        }
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return tokens.authenticate(authorization.substring(7).trim()).map(Authenticator::withAuthenticated);
        }
        return Optional.empty();
    }

    private static UserInfo withAuthenticated(UserInfo u) {
        if (u.groups().contains("system:authenticated")) return u;
        List<String> groups = new java.util.ArrayList<>(u.groups());
        groups.add("system:authenticated");
        return new UserInfo(u.name(), groups);
    }
}
