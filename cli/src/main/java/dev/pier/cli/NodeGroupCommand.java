package dev.pier.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code pier nodegroup}: a cluster's node groups through a server's cluster API; only wires its subcommands. */
@Command(name = "nodegroup", aliases = "ng", mixinStandardHelpOptions = true,
        description = "Create, list, show, scale and delete a cluster's node groups.",
        subcommands = {NodeGroupCreateCommand.class, NodeGroupListCommand.class, NodeGroupGetCommand.class,
                NodeGroupScaleCommand.class, NodeGroupDeleteCommand.class})
final class NodeGroupCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
