package dev.pier.apiserver.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.auth.BootstrapToken;
import dev.pier.apiserver.auth.TokenFile;
import dev.pier.apiserver.auth.UserInfo;
import dev.pier.apiserver.cell.BootstrapTokens;
import dev.pier.apiserver.cell.Cell;
import dev.pier.apiserver.cell.Cells;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.registry.WriteOptions;
import dev.pier.storage.sqlite.SqliteStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bootstrap tokens: which tokens authenticate, as whom, and what a bootstrapper may do. */
class BootstrapAuthTest {
    @TempDir
    static Path dir;
    static SqliteStore kv;
    static Cells cells;
    static Cell cell;

    @BeforeAll
    static void start() {
        kv = SqliteStore.open(dir.resolve("state.db"));
        cells = new Cells(kv, Clock.systemUTC(), TokenFile.empty());
        cell = cells.createTenant("boot");
    }

    @AfterAll
    static void stop() {
        cells.close();
        kv.close();
    }

    private static Optional<UserInfo> authenticate(String token) {
        return cell.authenticator().authenticate(List.of(), "Bearer " + token);
    }

    private static void secret(String id, Map<String, String> data) {
        ObjectNode s = Json.object();
        s.withObject("metadata").put("name", "bootstrap-token-" + id);
        s.put("type", BootstrapToken.SECRET_TYPE);
        ObjectNode d = s.putObject("stringData");
        data.forEach(d::put);
        cell.store(cell.registry().find("", "v1", "secrets").orElseThrow()).create("kube-system", s, WriteOptions.defaults());
    }

    @Test
    void aFreshTokenAuthenticatesAsABootstrapper() {
        String token = BootstrapTokens.create(cell, Duration.ofHours(1), "test", List.of("system:bootstrappers:workers"));
        assertThat(token).matches("[a-z0-9]{6}\\.[a-z0-9]{16}");
        UserInfo user = authenticate(token).orElseThrow();
        assertThat(user.name()).isEqualTo("system:bootstrap:" + token.substring(0, 6));
        assertThat(user.groups()).containsExactly("system:bootstrappers", "system:bootstrappers:workers", "system:authenticated");
        // wrong secret, unknown id, another cell
        assertThat(authenticate(token.substring(0, 7) + "0000000000000000")).isEmpty();
        assertThat(authenticate("zzzzzz.0123456789abcdef")).isEmpty();
        assertThat(cells.management().authenticator().authenticate(List.of(), "Bearer " + token)).isEmpty();
    }

    @Test
    void expiredDisabledOrMismatchedTokensDoNot() {
        secret("expird", Map.of("token-id", "expird", "token-secret", "0123456789abcdef", "expiration", "2020-01-01T00:00:00Z",
                "usage-bootstrap-authentication", "true"));
        assertThat(authenticate("expird.0123456789abcdef")).isEmpty();
        secret("noauth", Map.of("token-id", "noauth", "token-secret", "0123456789abcdef", "usage-bootstrap-authentication", "false"));
        assertThat(authenticate("noauth.0123456789abcdef")).isEmpty();
        secret("otherd", Map.of("token-id", "abcdef", "token-secret", "0123456789abcdef", "usage-bootstrap-authentication", "true"));
        assertThat(authenticate("otherd.0123456789abcdef")).isEmpty();
        secret("badgrp", Map.of("token-id", "badgrp", "token-secret", "0123456789abcdef", "usage-bootstrap-authentication", "true",
                "auth-extra-groups", "system:masters"));
        assertThat(authenticate("badgrp.0123456789abcdef")).as("a token cannot make itself an admin").isEmpty();
        secret("noexpy", Map.of("token-id", "noexpy", "token-secret", "0123456789abcdef", "usage-bootstrap-authentication", "true"));
        assertThat(authenticate("noexpy.0123456789abcdef")).as("no expiration: valid until deleted").isPresent();
    }

    private static final UserInfo BOOTSTRAPPER = new UserInfo("system:bootstrap:abcdef", "",
            List.of("system:bootstrappers", "system:authenticated"), Map.of());
    private static final UserInfo NODE = new UserInfo("system:node:n1", List.of("system:nodes", "system:authenticated"));

    private static FakeCall call(String method, String path, UserInfo user, Map<String, List<String>> query) {
        return new FakeCall(method, path, query, Map.of("Accept", "application/json"), user);
    }

    private static int serve(FakeCall call) {
        try {
            CellHandler.handle(call, cell);
            return call.status;
        } catch (ApiException e) {
            return e.code();
        }
    }

    @Test
    void aBootstrapperMayOnlyReadDiscoveryAndRequestCertificates() {
        assertThat(serve(call("GET", "/api", BOOTSTRAPPER, Map.of()))).isEqualTo(200);
        assertThat(serve(call("GET", "/apis/certificates.k8s.io/v1", BOOTSTRAPPER, Map.of()))).isEqualTo(200);
        assertThat(serve(call("GET", "/apis/certificates.k8s.io/v1/certificatesigningrequests", BOOTSTRAPPER, Map.of()))).isEqualTo(200);
        RequestInfo csrs = RequestInfo.parse("/apis/certificates.k8s.io/v1/certificatesigningrequests");
        Authorization.checkResource(BOOTSTRAPPER, "GET", csrs, true); // watch: allowed
        Authorization.checkResource(BOOTSTRAPPER, "POST", csrs, false); // create: allowed

        assertThatThrownBy(() -> CellHandler.handle(call("GET", "/api/v1/namespaces/default/pods", BOOTSTRAPPER, Map.of()), cell))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo(403);
                    assertThat(e.getMessage()).isEqualTo("pods is forbidden: User \"system:bootstrap:abcdef\" cannot list resource "
                            + "\"pods\" in API group \"\" in the namespace \"default\"");
                });
        assertThat(serve(call("GET", "/api/v1/namespaces/kube-system/secrets/bootstrap-token-abcdef", BOOTSTRAPPER, Map.of()))).isEqualTo(403);
        assertThat(serve(call("DELETE", "/apis/certificates.k8s.io/v1/certificatesigningrequests/x", BOOTSTRAPPER, Map.of()))).isEqualTo(403);
        assertThat(serve(call("PUT", "/apis/certificates.k8s.io/v1/certificatesigningrequests/x/approval", BOOTSTRAPPER, Map.of())))
                .isEqualTo(403);
        assertThat(serve(call("GET", "/version2", BOOTSTRAPPER, Map.of()))).isEqualTo(403);
    }

    @Test
    void onlyAdminsDecideAndIssue() {
        for (String sub : List.of("approval", "status")) {
            assertThat(serve(call("PUT", "/apis/certificates.k8s.io/v1/certificatesigningrequests/x/" + sub, NODE, Map.of())))
                    .as("a node writing %s", sub).isEqualTo(403);
            assertThat(serve(call("PATCH", "/apis/certificates.k8s.io/v1/certificatesigningrequests/x/" + sub, NODE, Map.of())))
                    .isEqualTo(403);
        }
        assertThat(serve(call("GET", "/api/v1/namespaces/default/pods", NODE, Map.of()))).isEqualTo(200);
    }
}
