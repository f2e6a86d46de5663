package dev.pier.apiserver.cell;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.auth.BootstrapToken;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.registry.ResourceType;
import dev.pier.apiserver.registry.WriteOptions;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;

/**
 * Makes bootstrap tokens for a cell, as {@code kubeadm token create} does: a Secret
 * {@code kube-system/bootstrap-token-<id>} of type {@code bootstrap.kubernetes.io/token} that allows
 * authentication and expires. A node presents the token once, to ask for its certificate
 * ({@code dev.pier.agent.join.NodeBootstrap}); deleting the Secret revokes the token at once.
 */
public final class BootstrapTokens {
    private BootstrapTokens() {
    }

    /**
     * Creates a token valid for {@code ttl} and returns it as {@code <id>.<secret>}: a credential, to hand to
     * the node and never to log.
     *
     * @param description shown in the Secret, e.g. "node group workers of cluster demo"
     * @param extraGroups groups beyond {@code system:bootstrappers}, each {@code system:bootstrappers:...}
     */
    public static String create(Cell cell, Duration ttl, String description, List<String> extraGroups) {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero()) throw new IllegalArgumentException("ttl must be positive: " + ttl);
        for (String g : extraGroups) {
            if (!BootstrapToken.EXTRA_GROUP.matcher(g).matches()) {
                throw new IllegalArgumentException("extra group must match " + BootstrapToken.EXTRA_GROUP + ": " + g);
            }
        }
        BootstrapToken token = BootstrapToken.generate();
        ObjectNode secret = Json.object();
        secret.withObject("metadata").put("name", token.secretName());
        secret.put("type", BootstrapToken.SECRET_TYPE);
        ObjectNode data = secret.putObject("stringData");
        data.put("token-id", token.id());
        data.put("token-secret", token.secret());
        data.put("expiration", Instant.now(cell.clock()).plus(ttl).truncatedTo(ChronoUnit.SECONDS).toString());
        data.put("usage-bootstrap-authentication", "true");
        data.put("usage-bootstrap-signing", "false");
        if (description != null && !description.isBlank()) data.put("description", description);
        if (!extraGroups.isEmpty()) data.put("auth-extra-groups", String.join(",", extraGroups));
        ResourceType secrets = cell.builtinApi().registry().find("", "v1", "secrets").orElseThrow();
        cell.store(secrets).create(BootstrapToken.NAMESPACE, secret, WriteOptions.defaults());
        return token.value();
    }
}
