package dev.pier.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The one Pier binary. Roles are subcommands: {@code server} (a control plane), {@code up}
 * (a server plus a first cluster, for trying Pier on one machine), {@code image} (the installation's
 * images), and {@code cluster}, {@code nodegroup} and {@code events}, clients of a server's cluster API. This class
 * only wires commands.
 */
@Command(name = "pier", mixinStandardHelpOptions = true, version = "pier 0.1.0 (Kubernetes v1.32)",
        description = "Pier: managed Kubernetes clusters.",
        subcommands = {ServerCommand.class, UpCommand.class, AgentCommand.class, ImageCommand.class,
                ClusterCommand.class, NodeGroupCommand.class, EventsCommand.class})
public final class Pier implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        Logging.start();
        CommandLine cli = new CommandLine(new Pier());
        // A wrong flag value or a host that cannot do what was asked: one line saying what to fix, no stack trace.
        cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            // the cluster commands: what the server refused is exit 1, what to fix here exit 2
            String command = commandLine.getCommandSpec().qualifiedName();
            if (e instanceof ApiRefused refused) {
                refused.errors().forEach(error -> commandLine.getErr().println(command + ": " + error.describe()));
                return 1;
            }
            if (e instanceof LocalProblem) {
                commandLine.getErr().println(command + ": " + e.getMessage());
                return 2;
            }
            if (!(e instanceof IllegalArgumentException) && !(e instanceof IllegalStateException)) throw e;
            commandLine.getErr().println("pier " + commandLine.getCommandName() + ": " + e.getMessage());
            return e instanceof IllegalArgumentException ? 2 : 1;
        });
        System.exit(cli.execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
