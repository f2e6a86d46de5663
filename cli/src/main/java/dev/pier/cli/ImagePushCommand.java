package dev.pier.cli;

import dev.pier.cloud.host.CommandException;
import dev.pier.cloud.images.ImageArchive;
import dev.pier.cloud.images.ImageName;
import dev.pier.cloud.images.LocalRegistry;
import dev.pier.cloud.images.RegistryClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code pier image push FILE.tar [NAME:TAG]}: copies an image archive (docker save, or skopeo's docker-archive or
 * oci-archive) into the registry of an installation, under the repository where the nodes' containerd looks for that
 * name (decision 007: the registry stores by repository only and mirrors docker.io and registry.k8s.io). Uses the
 * registry of a running {@code pier up} on the data directory, or runs it for the push alone.
 */
@Command(name = "push", mixinStandardHelpOptions = true,
        description = {"Push an image archive (docker save, or skopeo copy to docker-archive: or oci-archive:) into the "
                + "installation's registry, where the nodes pull it from.",
                "NAME:TAG means what it means to Docker: myapp:v1 is docker.io/library/myapp:v1. Without it, the "
                        + "archive's own names are used."})
final class ImagePushCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The image archive (a tar file).")
    Path file;

    @Parameters(index = "1", arity = "0..1", paramLabel = "NAME:TAG",
            description = "The image's name (default: the names in the archive).")
    String name;

    @Option(names = "--data-dir", defaultValue = "pier-data",
            description = "The installation whose registry gets the image (default: ${DEFAULT-VALUE}, as pier up).")
    Path dataDir;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (!Files.isRegularFile(file)) throw usage("no such file: " + file);
        if (!Files.isDirectory(dataDir)) {
            throw usage("no Pier installation at " + dataDir.toAbsolutePath() + ": start one there first (pier up --data-dir "
                    + dataDir + "), or name its data directory with --data-dir");
        }
        ImageArchive archive;
        try {
            archive = ImageArchive.read(file);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        List<ImageName> names = names(archive);

        Optional<RegistryClient> running = RegistryClient.ofRunning(dataDir);
        LocalRegistry started = null;
        try {
            RegistryClient registry;
            if (running.isPresent()) {
                registry = running.get();
            } else {
                out.println("The registry of " + dataDir + " is not running (no pier up there): starting it for this push.");
                out.flush();
                // absolute: the configuration it leaves in the data directory names its storage whatever the current directory
                started = LocalRegistry.start(dataDir.toAbsolutePath());
                registry = started.client();
            }
            for (ImageName image : names) {
                out.println("Pushing " + file + " as " + image + " to the registry at " + registry.address() + " ...");
                out.flush();
                registry.push(archive.source(), image);
                out.println("Pushed " + image + " (" + registry.destination(image).substring("docker://".length()) + ").");
            }
            return 0;
        } catch (CommandException e) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("pier image push failed: " + e.getMessage());
            String program = e.command().getFirst();
            if (e.exitCode() == -1 && (program.equals("skopeo") || program.equals("docker-registry"))) {
                err.println("Is " + program + " installed? On Debian: apt-get install -y " + program);
            }
            return 1;
        } catch (IllegalStateException e) {
            // the registry did not come up: its log says why
            spec.commandLine().getErr().println("pier image push failed: " + e.getMessage());
            return 1;
        } finally {
            if (started != null) started.close();
        }
    }

    /** The names to push: NAME:TAG if given, else the archive's; each only of a registry the nodes pull from. */
    private List<ImageName> names(ImageArchive archive) {
        List<String> given = name != null ? List.of(name) : archive.names();
        if (given.isEmpty()) {
            throw usage(file + " names no image (no RepoTags, no name annotation): give NAME:TAG, e.g. "
                    + "pier image push " + file + " myapp:v1");
        }
        List<ImageName> names = new ArrayList<>();
        for (String reference : given) {
            ImageName image;
            try {
                image = ImageName.parse(reference);
            } catch (IllegalArgumentException e) {
                throw usage("bad image name '" + reference + "': " + e.getMessage()
                        + " (expected [REGISTRY/]REPOSITORY[:TAG], lower case, e.g. myapp:v1)");
            }
            if (!LocalRegistry.MIRRORED_REGISTRIES.contains(image.registry())) {
                throw usage(image + ": nodes pull only " + String.join(" and ", LocalRegistry.MIRRORED_REGISTRIES)
                        + " images from the installation's registry; name it without a registry (e.g. "
                        + image.repository() + ":" + image.tag() + ")");
            }
            names.add(image);
        }
        return names;
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
