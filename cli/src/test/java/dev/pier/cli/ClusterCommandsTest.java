package dev.pier.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the cluster commands decide before asking a server: which kubeconfig, confirmation, arguments, paths, progress. */
class ClusterCommandsTest {

    @Test
    void theKubeconfigFlagComesFirstThenTheEnvironment(@TempDir Path dir) throws Exception {
        Path flag = Files.writeString(dir.resolve("flag"), "x");
        Path environment = Files.writeString(dir.resolve("env"), "x");
        assertThat(ManagementKubeconfig.locate(flag, environment.toString())).isEqualTo(flag);
        assertThat(ManagementKubeconfig.locate(null, environment.toString())).isEqualTo(environment);
    }

    @Test
    void noKubeconfigSaysWhereItLookedAndHowToGetOne(@TempDir Path dir) {
        assertThatThrownBy(() -> ManagementKubeconfig.locate(dir.resolve("missing"), null))
                .isInstanceOf(LocalProblem.class)
                .hasMessageContaining(dir.resolve("missing").toString())
                .hasMessageContaining("--kubeconfig")
                .hasMessageContaining("pier up");
        assertThatThrownBy(() -> ManagementKubeconfig.locate(null, dir.resolve("also-missing").toString()))
                .hasMessageContaining("$PIER_KUBECONFIG");
    }

    @Test
    void aKubeconfigWithoutInlineCredentialsIsNamedAsSuch(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("kubeconfig"), """
                clusters: [{name: c, cluster: {server: "https://127.0.0.1:6443", certificate-authority: /etc/ca.crt}}]
                users: [{name: u, user: {token: t}}]
                """);
        assertThatThrownBy(() -> ManagementKubeconfig.read(file))
                .isInstanceOf(LocalProblem.class).hasMessageContaining("certificate-authority-data");
    }

    @Test
    void deletingWithoutATerminalNeedsYes() {
        assertThat(Confirmation.confirmed("cluster prod", true, null)).isTrue();
        assertThatThrownBy(() -> Confirmation.confirmed("cluster prod", false, null))
                .isInstanceOf(LocalProblem.class).hasMessageContaining("pass --yes");
    }

    @Test
    void labelsAreKeyValuePairs() {
        assertThat(NodeGroupCreateCommand.labels(List.of("role=batch", "empty=", "a=b=c")))
                .containsExactly(Map.entry("role", "batch"), Map.entry("empty", ""), Map.entry("a", "b=c"));
        assertThatThrownBy(() -> NodeGroupCreateCommand.labels(List.of("role")))
                .isInstanceOf(LocalProblem.class).hasMessageContaining("--label role");
    }

    @Test
    void namesInPathsAreEncoded() {
        assertThat(ClusterPaths.nodeGroup("prod", "gpu")).isEqualTo("/v1/clusters/prod/nodegroups/gpu");
        assertThat(ClusterPaths.cluster("a/../b c")).isEqualTo("/v1/clusters/a%2F..%2Fb%20c");
    }

    @Test
    void progressLinesSayStatusNodesAndReason() throws Exception {
        var view = PierApi.JSON.readTree("""
                {"status": "CREATE_IN_PROGRESS", "node_count": 1, "health_status": null, "status_reason": "waiting for machines"}""");
        assertThat(ClusterWatch.progressLine("prod", view)).isEqualTo("cluster prod: CREATE_IN_PROGRESS, 1 node (waiting for machines)");
    }

    @Test
    void anErrorShowsItsDetailFieldAndFix() throws Exception {
        var entry = PierApi.JSON.readTree("""
                {"status": 422, "code": "invalid", "detail": "name: Invalid value", "field": "name", "fix": "1 to 20 letters"}""");
        assertThat(ApiError.of(entry).describe()).isEqualTo("name: Invalid value\n  field: name\n  fix: 1 to 20 letters");
    }
}
