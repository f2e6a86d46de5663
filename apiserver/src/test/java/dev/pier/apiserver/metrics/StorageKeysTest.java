package dev.pier.apiserver.metrics;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StorageKeysTest {
    @Test
    void registryKeysNameTheirCellAndResourceAsKubernetesDoes() {
        assertThat(StorageKeys.of("/registry/team-a/core/pods/default/web-1")).isEqualTo(new StorageKeys.Labels("team-a", "pods"));
        assertThat(StorageKeys.of("/registry/team-a/apps/deployments/")).isEqualTo(new StorageKeys.Labels("team-a", "deployments.apps"));
        assertThat(StorageKeys.of("/registry/_management/core/namespaces/kube-system"))
                .isEqualTo(new StorageKeys.Labels("_management", "namespaces"));
    }

    @Test
    void otherKeysStillHaveBoundedLabels() {
        assertThat(StorageKeys.of("/registry/team-a/")).isEqualTo(new StorageKeys.Labels("team-a", ""));
        assertThat(StorageKeys.of("/pier/cells/team-a/ca")).isEqualTo(new StorageKeys.Labels("team-a", "pier.cells"));
        assertThat(StorageKeys.of("")).isEqualTo(new StorageKeys.Labels("", "other"));
        assertThat(StorageKeys.of("/elsewhere/x")).isEqualTo(new StorageKeys.Labels("", "other"));
    }
}
