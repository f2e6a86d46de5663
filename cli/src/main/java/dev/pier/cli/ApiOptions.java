package dev.pier.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Which Pier server the cluster commands talk to: the one its management kubeconfig names. */
final class ApiOptions {
    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "The management kubeconfig (default: $PIER_KUBECONFIG, else ./pier-data/kubeconfig, as pier up writes it).")
    Path kubeconfig;

    PierApi connect() {
        return PierApi.connect(ManagementKubeconfig.read(
                ManagementKubeconfig.locate(kubeconfig, System.getenv(ManagementKubeconfig.ENVIRONMENT_VARIABLE))));
    }
}
