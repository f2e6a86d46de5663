package dev.pier.apiserver.auth;

import dev.pier.pki.CertificateAuthority;
import dev.pier.pki.ClientIdentity;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * Authenticates requests to one cell: a TLS client certificate issued by the cell's CA (CN = user,
 * O = groups), a bearer token of the cell's token file, or one of the cell's bootstrap tokens. TLS itself accepts any client certificate, because
 * the cell is only known once the path is read; the check against the cell's own CA happens here.
 */
public final class Authenticator {
    private final CertificateAuthority clientCa;
    private final TokenFile tokens;
    private final BootstrapTokenAuthenticator bootstrapTokens;

    public Authenticator(CertificateAuthority clientCa, TokenFile tokens, BootstrapTokenAuthenticator bootstrapTokens) {
        this.clientCa = clientCa;
        this.tokens = tokens;
        this.bootstrapTokens = bootstrapTokens;
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
            String token = authorization.substring(7).trim();
            Optional<UserInfo> user = tokens.authenticate(token);
            if (user.isEmpty()) user = bootstrapTokens.authenticate(token);
            return user.map(Authenticator::withAuthenticated);
        }
        return Optional.empty();
    }

    private static UserInfo withAuthenticated(UserInfo u) {
        if (u.inGroup(UserInfo.AUTHENTICATED)) return u;
        List<String> groups = new java.util.ArrayList<>(u.groups());
        groups.add(UserInfo.AUTHENTICATED);
        return new UserInfo(u.name(), u.uid(), groups, u.extra());
    }
}
