package dev.pier.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code pier image}: the installation's images; only wires its subcommands. */
@Command(name = "image", mixinStandardHelpOptions = true,
        description = "Images in the installation's registry, where the nodes pull from.",
        subcommands = {ImagePushCommand.class})
final class ImageCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
