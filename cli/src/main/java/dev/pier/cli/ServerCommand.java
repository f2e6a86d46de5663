package dev.pier.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code pier server}: runs a control plane until Ctrl-C or SIGTERM. */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Run a Pier control plane: the Kubernetes API for the management cluster and every tenant cluster.")
final class ServerCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ServerCommand.class);

    @Mixin
    ServerOptions options;

    @Override
    public Integer call() throws Exception {
        ControlPlane cp = ControlPlane.start(options);
        System.out.println("Pier API server ready at " + cp.url(cp.cells().management()));
        System.out.println("kubeconfig: " + options.dataDir.resolve("kubeconfig").toAbsolutePath());
        awaitShutdown(cp);
        return 0;
    }

    /** Blocks until the JVM is asked to stop, then closes the control plane before exit. */
    static void awaitShutdown(AutoCloseable cp) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopped.countDown();
            try {
                closed.await();
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            // halt runs no other shutdown hook: flush the logs first
            Logging.stop();
            // A clean stop on SIGTERM/Ctrl-C is a success: exit 0 rather than the signal's 128+n. Only halt can
            // change the exit status from a shutdown hook (System.exit there blocks forever); the price is that
            // deleteOnExit and other libraries' hooks never run, so nothing may rely on them (see SqliteNativeLibrary).
            Runtime.getRuntime().halt(0);
        }, "pier-shutdown"));
        stopped.await();
        LOG.info("Shutting down: the JVM was asked to stop (SIGTERM or Ctrl-C)");
        try {
            cp.close();
            System.out.println("Pier stopped.");
        } catch (Exception e) {
            LOG.error("Shutdown did not complete cleanly", e);
        } finally {
            closed.countDown();
        }
    }
}
