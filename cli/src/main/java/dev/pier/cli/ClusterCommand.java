package dev.pier.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code pier cluster}: clusters through a server's cluster API; only wires its subcommands. */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = "Create, list, show and delete clusters, and download their kubeconfigs, through a Pier server's API.",
        subcommands = {ClusterCreateCommand.class, ClusterListCommand.class, ClusterGetCommand.class,
                ClusterDeleteCommand.class, ClusterKubeconfigCommand.class})
final class ClusterCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
