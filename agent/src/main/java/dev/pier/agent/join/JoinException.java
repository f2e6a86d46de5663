package dev.pier.agent.join;

/** Joining the cluster or renewing a certificate failed; the message says why and what to do. */
public final class JoinException extends RuntimeException {
    public JoinException(String message) {
        super(message);
    }

    public JoinException(String message, Throwable cause) {
        super(message, cause);
    }
}
