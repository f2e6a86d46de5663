package dev.pier.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The {@code pier cluster|nodegroup|events} commands of the real binary against a {@code pier up --nodes 0}: each
 * command's table and JSON, a kubeconfig kubectl uses, and the exit codes (1 for what the server refuses, 2 for what
 * to fix locally). Clusters are made with {@code --nodes 0}: without machines a cluster with nodes never completes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClustersCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Path work;
    private PierProcess pier;
    private String kubeconfig;

    @BeforeAll
    void start() throws IOException {
        work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "clusters-cli-");
        pier = PierProcess.up(work.resolve("data"), "demo").start();
        kubeconfig = pier.kubeconfig().toString();
    }

    @AfterAll
    void stop() {
        try {
            if (pier != null && pier.isAlive()) pier.stop();
        } finally {
            TempDirs.delete(work);
        }
    }

    private PierCli.Result pier(String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--kubeconfig";
        all[args.length + 1] = kubeconfig;
        return PierCli.run(work, all);
    }

    private String ok(String... args) {
        PierCli.Result result = pier(args);
        assertThat(result.exitCode()).as("pier %s:\n%s", String.join(" ", args), result.output()).isZero();
        return result.output();
    }

    @Test
    @Order(1)
    void createWaitsForCompletionAndListAndGetShowTheCluster() throws IOException {
        String created = ok("cluster", "create", "cli", "--nodes", "0", "--wait");
        // the create's answer (a table row), then one line per change up to completion
        assertThat(created.lines().skip(1).findFirst()).hasValueSatisfying(row -> assertThat(row).startsWith("cli ").contains("CREATE_IN_PROGRESS"));
        assertThat(created.lines().toList().getLast()).startsWith("cluster cli: CREATE_COMPLETE");

        String list = ok("cluster", "list");
        assertThat(list.lines().findFirst().orElseThrow()).startsWith("NAME").contains("STATUS", "NODES", "FLAVOR", "API ADDRESS", "AGE");
        assertThat(list.lines().filter(l -> l.startsWith("cli ")).findFirst()).hasValueSatisfying(row ->
                assertThat(row).contains("CREATE_COMPLETE", "m1.small", "/clusters/cli"));
        assertThat(list).contains("demo ");

        assertThat(ok("cluster", "get", "cli").lines()).hasSize(2).last().asString().startsWith("cli ").contains("CREATE_COMPLETE");
        JsonNode json = JSON.readTree(ok("cluster", "get", "cli", "-o", "json"));
        assertThat(json.path("name").asText()).isEqualTo("cli");
        assertThat(json.path("status").asText()).isEqualTo("CREATE_COMPLETE");
        assertThat(json.path("api_address").asText()).endsWith("/clusters/cli");
        assertThat(JSON.readTree(ok("cluster", "list", "-o", "json")).path("clusters").findValuesAsText("name")).contains("cli", "demo");
    }

    @Test
    @Order(2)
    void theKubeconfigWorksWithKubectl() throws IOException {
        Path file = work.resolve("cli.kubeconfig");
        ok("cluster", "kubeconfig", "cli", "--output", file.toString());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        String namespaces = new Kubectl(file, work.resolve("kubectl-cli")).ok("get", "namespaces");
        assertThat(namespaces).contains("default", "kube-system");
        assertThat(ok("cluster", "kubeconfig", "cli")).contains("certificate-authority-data", "/clusters/cli");
    }

    @Test
    @Order(3)
    void nodeGroupsAreCreatedListedAndScaled() throws IOException {
        String created = ok("nodegroup", "create", "cli", "extra", "--nodes", "0", "--flavor", "m1.medium",
                "--label", "role=batch", "--taint", "dedicated=batch:NoSchedule");
        assertThat(created).startsWith("NAME").contains("extra", "m1.medium");

        String list = ok("nodegroup", "list", "cli");
        assertThat(list.lines().skip(1).map(l -> l.split("\\s+")[0])).containsExactlyInAnyOrder("default-worker", "extra");

        ok("nodegroup", "scale", "cli", "extra", "--nodes", "2");
        JsonNode group = JSON.readTree(ok("nodegroup", "get", "cli", "extra", "-o", "json"));
        assertThat(group.path("node_count").asInt()).isEqualTo(2);
        assertThat(group.path("node_labels").path("role").asText()).isEqualTo("batch");
        assertThat(group.path("node_taints").path(0).asText()).isEqualTo("dedicated=batch:NoSchedule");
        ok("nodegroup", "scale", "cli", "extra", "--nodes", "0");

        PierCli.Result notANode = pier("nodegroup", "scale", "cli", "extra", "--nodes", "0", "--remove", "web-7");
        assertThat(notANode.exitCode()).as(notANode.output()).isEqualTo(1);
        assertThat(notANode.output()).contains("field: nodes_to_remove[0]");
    }

    @Test
    @Order(4)
    void eventsSayWhatHappened() {
        String events = ok("events", "cli");
        assertThat(events.lines().findFirst().orElseThrow()).contains("LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE");
        assertThat(events.lines().skip(1)).isNotEmpty().anySatisfy(line -> assertThat(line).contains("cluster/cli"));
    }

    @Test
    @Order(5)
    void refusalsExitOneWithTheFieldAndLocalProblemsTwo() throws IOException {
        PierCli.Result badName = pier("cluster", "create", "Bad_Name");
        assertThat(badName.exitCode()).as(badName.output()).isEqualTo(1);
        assertThat(badName.output()).contains("field: name").contains("fix: ");

        PierCli.Result unconfirmed = pier("cluster", "delete", "cli");
        assertThat(unconfirmed.exitCode()).as(unconfirmed.output()).isEqualTo(2);
        assertThat(unconfirmed.output()).contains("--yes");

        Path elsewhere = Files.createDirectories(work.resolve("elsewhere"));
        PierCli.Result noKubeconfig = PierCli.run(elsewhere, "cluster", "list");
        assertThat(noKubeconfig.exitCode()).as(noKubeconfig.output()).isEqualTo(2);
        assertThat(noKubeconfig.output()).contains(elsewhere.resolve("pier-data/kubeconfig").toString()).contains("pier up");
    }

    @Test
    @Order(6)
    void deleteWaitsUntilTheClusterIsGone() {
        assertThat(ok("cluster", "delete", "cli", "--yes", "--wait")).contains("cluster cli: deleted");
        assertThat(ok("cluster", "list").lines().map(l -> l.split("\\s+")[0])).doesNotContain("cli").contains("demo");
        assertThat(pier("cluster", "get", "cli").exitCode()).isEqualTo(1);
    }
}
