package dev.pier.apiserver.auth;

import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Authenticates bootstrap tokens as Kubernetes' bootstrap token authenticator does: {@code <id>.<secret>}
 * is valid while the Secret {@code kube-system/bootstrap-token-<id>} of type
 * {@code bootstrap.kubernetes.io/token} exists, is not being deleted, names the same id, holds the same
 * secret (compared in constant time), allows authentication and has not expired. The user is
 * {@code system:bootstrap:<id>} in {@code system:bootstrappers} and the token's extra groups.
 * Reasons for refusing are logged at DEBUG with the token id only.
 */
public final class BootstrapTokenAuthenticator {
    private static final Logger LOG = LoggerFactory.getLogger(BootstrapTokenAuthenticator.class);

    private final Function<String, Optional<JsonNode>> secrets;
    private final Clock clock;

    /**
     * @param secrets the cell's Secret in kube-system by name, read consistently (a deleted token must stop
     *                working at once)
     */
    public BootstrapTokenAuthenticator(Function<String, Optional<JsonNode>> secrets, Clock clock) {
        this.secrets = secrets;
        this.clock = clock;
    }

    /** Refuses every token: for cells that cannot hold bootstrap tokens, and tests. */
    public static BootstrapTokenAuthenticator none() {
        return new BootstrapTokenAuthenticator(name -> Optional.empty(), Clock.systemUTC());
    }

    public Optional<UserInfo> authenticate(String bearer) {
        Optional<BootstrapToken> parsed = BootstrapToken.parse(bearer);
        if (parsed.isEmpty()) return Optional.empty();
        BootstrapToken token = parsed.get();
        Optional<JsonNode> stored = secrets.apply(token.secretName());
        if (stored.isEmpty()) return refuse(token, "no such token");
        JsonNode secret = stored.get();
        if (!BootstrapToken.SECRET_TYPE.equals(secret.path("type").asText())) return refuse(token, "secret has the wrong type");
        if (secret.path("metadata").hasNonNull("deletionTimestamp")) return refuse(token, "secret is being deleted");
        Map<String, String> data = data(secret.path("data"));
        if (!token.id().equals(data.get("token-id"))) return refuse(token, "secret names another token id");
        byte[] expected = data.getOrDefault("token-secret", "").getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(expected, token.secret().getBytes(StandardCharsets.UTF_8))) {
            return refuse(token, "wrong secret");
        }
        if (!"true".equals(data.get("usage-bootstrap-authentication"))) return refuse(token, "not for authentication");
        String expiration = data.get("expiration");
        if (expiration != null) {
            try {
                if (!clock.instant().isBefore(Instant.parse(expiration))) return refuse(token, "expired at " + expiration);
            } catch (DateTimeParseException e) {
                return refuse(token, "unreadable expiration");
            }
        }
        List<String> groups = new ArrayList<>(List.of(BootstrapToken.GROUP));
        String extra = data.getOrDefault("auth-extra-groups", "");
        for (String g : extra.split(",")) {
            String group = g.trim();
            if (group.isEmpty()) continue;
            if (!BootstrapToken.EXTRA_GROUP.matcher(group).matches()) return refuse(token, "invalid extra group " + group);
            if (!groups.contains(group)) groups.add(group);
        }
        return Optional.of(new UserInfo(BootstrapToken.USER_PREFIX + token.id(), "", groups, Map.of()));
    }

    private static Optional<UserInfo> refuse(BootstrapToken token, String why) {
        LOG.debug("Bootstrap token {} refused: {}", token.id(), why);
        return Optional.empty();
    }

    private static Map<String, String> data(JsonNode data) {
        Map<String, String> out = new java.util.HashMap<>();
        data.properties().forEach(e -> {
            try {
                out.put(e.getKey(), new String(Base64.getDecoder().decode(e.getValue().asText()), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException ignored) {
                // not base64: treated as absent
            }
        });
        return out;
    }
}
