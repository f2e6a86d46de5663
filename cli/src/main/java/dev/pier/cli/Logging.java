package dev.pier.cli;

import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * The binary's logging: SLF4J with Logback (configured by {@code logback.xml} in this module's resources).
 * Libraries that log through {@code java.util.logging} (grpc under jetcd) are routed into it too.
 */
final class Logging {
    private Logging() {
    }

    /** Routes {@code java.util.logging} into SLF4J; call first thing in {@code main}. */
    static void start() {
        if (SLF4JBridgeHandler.isInstalled()) return;
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
    }

    /**
     * Flushes and closes every appender. The shutdown hook ends the JVM with {@code Runtime.halt}, which runs
     * no other hook, so it calls this last: nothing logged before it is lost.
     */
    static void stop() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) context.stop();
        System.out.flush();
        System.err.flush();
    }
}
