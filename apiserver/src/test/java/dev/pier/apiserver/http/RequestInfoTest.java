package dev.pier.apiserver.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RequestInfoTest {
    @Test
    void namespacedCoreResource() {
        assertThat(RequestInfo.parse("/api/v1/namespaces/default/pods/web/status"))
                .isEqualTo(new RequestInfo("", "v1", "default", "pods", "web", "status", false));
        assertThat(RequestInfo.parse("/api/v1/namespaces/default/pods"))
                .isEqualTo(new RequestInfo("", "v1", "default", "pods", "", "", false));
    }

    @Test
    void groupedAndClusterScoped() {
        assertThat(RequestInfo.parse("/apis/apps/v1/deployments"))
                .isEqualTo(new RequestInfo("apps", "v1", "", "deployments", "", "", false));
        assertThat(RequestInfo.parse("/apis/rbac.authorization.k8s.io/v1/clusterroles/system:admin"))
                .isEqualTo(new RequestInfo("rbac.authorization.k8s.io", "v1", "", "clusterroles", "system:admin", "", false));
    }

    @Test
    void namespacesThemselves() {
        assertThat(RequestInfo.parse("/api/v1/namespaces"))
                .isEqualTo(new RequestInfo("", "v1", "", "namespaces", "", "", false));
        assertThat(RequestInfo.parse("/api/v1/namespaces/team"))
                .isEqualTo(new RequestInfo("", "v1", "", "namespaces", "team", "", false));
        assertThat(RequestInfo.parse("/api/v1/namespaces/team/status"))
                .isEqualTo(new RequestInfo("", "v1", "", "namespaces", "team", "status", false));
    }

    @Test
    void legacyWatchPrefix() {
        assertThat(RequestInfo.parse("/api/v1/watch/namespaces/default/configmaps"))
                .isEqualTo(new RequestInfo("", "v1", "default", "configmaps", "", "", true));
    }

    @Test
    void nonResourcePaths() {
        assertThat(RequestInfo.parse("/api")).isNull();
        assertThat(RequestInfo.parse("/api/v1")).isNull();
        assertThat(RequestInfo.parse("/apis/apps")).isNull();
        assertThat(RequestInfo.parse("/foo/bar/baz")).isNull();
        assertThat(RequestInfo.parse("/api/v1/namespaces/default/pods/a/b/c")).isNull();
    }
}
