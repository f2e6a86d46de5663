package dev.pier.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code pier image push} with the real binary, real skopeo and the installation's real registry (Debian's
 * docker-registry): archives made here (a docker-archive written by hand, an OCI archive skopeo makes from it)
 * are pushed under the repository where nodes look for their name, and the registry serves them.
 */
class ImagePushTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Path work;
    private Path data;
    private Process registry;

    @BeforeEach
    void createWork() throws IOException {
        work = Files.createTempDirectory("pier-e2e-image-push-");
        data = Files.createDirectories(work.resolve("data"));
    }

    @AfterEach
    void cleanUp() throws InterruptedException {
        if (registry != null) {
            registry.destroy();
            if (!registry.waitFor(10, TimeUnit.SECONDS)) registry.destroyForcibly().waitFor();
        }
        TempDirs.delete(work);
    }

    @Test
    void pushesArchivesUnderTheRepositoryNodesPullFrom() throws Exception {
        String configDigest = dockerArchive(work.resolve("app.tar"), "myapp:v1");

        // no pier up on this data directory: the push runs the installation's registry for itself
        PierCli.Result first = PierCli.run(work, "image", "push", "app.tar", "--data-dir", "data");
        assertThat(first.exitCode()).as(first.output()).isZero();
        assertThat(first.output()).contains("is not running").contains("Pushed docker.io/library/myapp:v1");

        // the installation's registry, as pier up runs it: the configuration and port the push left in the data directory
        int port = startRegistry();
        assertThat(tags("library/myapp", port)).containsExactly("v1");
        assertThat(manifest("library/myapp", "v1", port).path("config").path("digest").asText()).isEqualTo("sha256:" + configDigest);

        // an OCI archive named by skopeo, pushed into the running registry
        skopeo("copy", "--quiet", "--insecure-policy", "docker-archive:" + work.resolve("app.tar"),
                "oci-archive:" + work.resolve("web.tar") + ":docker.io/acme/web:v3");
        PierCli.Result oci = PierCli.run(work, "image", "push", "web.tar", "--data-dir", "data");
        assertThat(oci.exitCode()).as(oci.output()).isZero();
        assertThat(oci.output()).doesNotContain("is not running").contains("to the registry at 127.0.0.1:" + port);
        assertThat(tags("acme/web", port)).containsExactly("v3");

        // a name given on the command line wins; registry.k8s.io is mirrored too, by repository only
        PierCli.Result named = PierCli.run(work, "image", "push", "app.tar", "registry.k8s.io/team/tool:2.0", "--data-dir", "data");
        assertThat(named.exitCode()).as(named.output()).isZero();
        assertThat(tags("team/tool", port)).containsExactly("2.0");
        assertThat(manifest("team/tool", "2.0", port).path("config").path("digest").asText()).isEqualTo("sha256:" + configDigest);
    }

    @Test
    void refusesWhatItCannotPushWithAUsageError() throws Exception {
        dockerArchive(work.resolve("app.tar"), "myapp:v1");
        skopeo("copy", "--quiet", "--insecure-policy", "docker-archive:" + work.resolve("app.tar"),
                "oci-archive:" + work.resolve("unnamed.tar"));
        Files.writeString(work.resolve("notes.txt"), "not an image\n");

        assertUsageError(List.of("missing.tar"), "no such file: missing.tar");
        assertUsageError(List.of("notes.txt"), "notes.txt is not a tar archive");
        assertUsageError(List.of("unnamed.tar"), "give NAME:TAG");
        assertUsageError(List.of("app.tar", "My App:1"), "bad image name 'My App:1'");
        assertUsageError(List.of("app.tar", "quay.io/acme/app:1"), "nodes pull only docker.io and registry.k8s.io images");
        PierCli.Result noInstallation = PierCli.run(work, "image", "push", "app.tar", "--data-dir", "elsewhere");
        assertThat(noInstallation.exitCode()).as(noInstallation.output()).isEqualTo(2);
        assertThat(noInstallation.output()).contains("no Pier installation at");
        assertThat(work.resolve("elsewhere")).doesNotExist();
    }

    private void assertUsageError(List<String> args, String message) {
        List<String> command = new ArrayList<>(List.of("image", "push"));
        command.addAll(args);
        command.addAll(List.of("--data-dir", "data"));
        PierCli.Result result = PierCli.run(work, command.toArray(String[]::new));
        assertThat(result.exitCode()).as(result.output()).isEqualTo(2);
        assertThat(result.output()).contains(message);
    }

    /** A one-layer image holding {@code hello.txt}, as {@code docker save} writes it; returns the config's digest. */
    private String dockerArchive(Path archive, String repoTag) throws Exception {
        Path rootfs = Files.createDirectories(work.resolve("rootfs"));
        Files.writeString(rootfs.resolve("hello.txt"), "hello from " + repoTag + "\n");
        return DockerArchives.write(archive, rootfs, "[\"/hello.txt\"]", repoTag, work);
    }

    /** Starts docker-registry with the configuration Pier wrote into the data directory; returns its port. */
    private int startRegistry() throws Exception {
        Path config = data.resolve("registry/config.yml");
        int port = Integer.parseInt(Files.readString(data.resolve("registry/port")).strip());
        registry = new ProcessBuilder("docker-registry", "serve", config.toString()).redirectErrorStream(true)
                .redirectOutput(work.resolve("registry.log").toFile()).start();
        Await.until(Duration.ofSeconds(30), () -> "the registry to serve on port " + port, () -> {
            if (!registry.isAlive()) throw new AssertionError("docker-registry exited; see " + work.resolve("registry.log"));
            try {
                return get(port, "/v2/", "application/json").statusCode() == 200;
            } catch (IOException notYet) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        });
        return port;
    }

    private static List<String> tags(String repository, int port) throws Exception {
        HttpResponse<String> response = get(port, "/v2/" + repository + "/tags/list", "application/json");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("name").asText()).isEqualTo(repository);
        return JSON.convertValue(body.path("tags"), JSON.getTypeFactory().constructCollectionType(List.class, String.class));
    }

    private static JsonNode manifest(String repository, String tag, int port) throws Exception {
        HttpResponse<String> response = get(port, "/v2/" + repository + "/manifests/" + tag,
                "application/vnd.oci.image.manifest.v1+json,application/vnd.docker.distribution.manifest.v2+json");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static HttpResponse<String> get(int port, String path, String accept) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("Accept", accept)
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private void skopeo(String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = "skopeo";
        System.arraycopy(args, 0, command, 1, args.length);
        run(command);
    }

    private void run(String... command) throws Exception {
        DockerArchives.run(work, command);
    }

}
