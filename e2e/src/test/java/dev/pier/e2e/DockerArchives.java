package dev.pier.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/** Image archives as {@code docker save} writes them, made by tests without Docker. */
final class DockerArchives {
    private DockerArchives() {
    }

    /**
     * Writes a docker-archive of a one-layer image: the layer tar of {@code rootfs}, the config (whose
     * diff_ids are the layer's sha256, with {@code cmdJson} as its Cmd) and manifest.json with the RepoTags.
     * Returns the config's digest.
     */
    static String write(Path archive, Path rootfs, String cmdJson, String repoTag, Path scratch) throws Exception {
        Path dir = Files.createDirectories(scratch.resolve("archive-src"));
        run(scratch, "tar", "--create", "--file", dir.resolve("layer.tar").toString(), "--directory", rootfs.toString(), ".");
        String layerDigest = sha256(Files.readAllBytes(dir.resolve("layer.tar")));
        byte[] config = """
                {"architecture":"amd64","os":"linux","config":{"Cmd":%s},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}"""
                .formatted(cmdJson, layerDigest).getBytes(StandardCharsets.UTF_8);
        String configDigest = sha256(config);
        Files.write(dir.resolve(configDigest + ".json"), config);
        Files.writeString(dir.resolve("manifest.json"), """
                [{"Config":"%s.json","RepoTags":["%s"],"Layers":["layer.tar"]}]""".formatted(configDigest, repoTag));
        run(scratch, "tar", "--create", "--file", archive.toString(), "--directory", dir.toString(), "manifest.json",
                configDigest + ".json", "layer.tar");
        return configDigest;
    }

    static void run(Path scratch, String... command) throws Exception {
        Path log = scratch.resolve("command.log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished", command[0]).isTrue();
        } finally {
            p.destroyForcibly();
        }
        assertThat(p.exitValue()).as("%s: %s", String.join(" ", command), Files.readString(log)).isZero();
    }

    static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
