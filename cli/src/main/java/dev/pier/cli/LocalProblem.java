package dev.pier.cli;

/**
 * Something to fix on this side before the server can be asked (no kubeconfig, an unreadable file, a server that
 * does not answer): {@code pier} says what and exits 2, as for a usage error.
 */
final class LocalProblem extends RuntimeException {
    LocalProblem(String message) {
        super(message);
    }

    LocalProblem(String message, Throwable cause) {
        super(message, cause);
    }
}
