package dev.pier.agent.join;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a joined node's certificates fresh: once {@value CredentialFiles#RENEW_AT} of a certificate's lifetime
 * has passed, asks for a new one with the node's own client certificate (the cluster approves a node's renewal
 * of its own certificates) and swaps the files atomically; {@code onRenewed} then tells the agent to read them
 * again (a new fabric8 client from {@link NodeCredentials#config()}, a reload of its HTTPS server's
 * certificate). A failed renewal is retried with back-off, from 10 seconds up to 5 minutes, while the old
 * certificate still works.
 */
public final class CertificateRenewer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CertificateRenewer.class);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(10);
    private static final Duration MAX_RETRY = Duration.ofMinutes(5);

    /** What was renewed. */
    public enum Renewed { CLIENT, SERVING }

    /** Told after a certificate was replaced on disk. */
    public interface Listener {
        void renewed(Renewed which, NodeCredentials credentials);
    }

    private final JoinOptions options;
    private final NodeCredentials credentials;
    private final Listener listener;
    private final Clock clock;
    private final ScheduledExecutorService scheduler =
            Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("certificate-renewer").factory());
    private Duration retry = FIRST_RETRY;

    private CertificateRenewer(JoinOptions options, NodeCredentials credentials, Listener listener, Clock clock) {
        this.options = options;
        this.credentials = credentials;
        this.listener = listener;
        this.clock = clock;
    }

    /** Starts renewing in the background; {@link #close()} stops it. */
    public static CertificateRenewer start(JoinOptions options, NodeCredentials credentials, Listener listener) {
        CertificateRenewer renewer = new CertificateRenewer(options, credentials, listener, Clock.systemUTC());
        renewer.schedule();
        return renewer;
    }

    /** When the next certificate is due: the earlier of the two. */
    public Instant nextRenewal() {
        Instant client = CredentialFiles.renewAt(credentials.currentClientCertificate());
        Instant serving = CredentialFiles.renewAt(credentials.currentServingCertificate());
        return client.isBefore(serving) ? client : serving;
    }

    private void schedule() {
        Duration wait = Duration.between(clock.instant(), nextRenewal());
        scheduleIn(wait.isNegative() ? Duration.ZERO : wait);
    }

    private void scheduleIn(Duration delay) {
        if (scheduler.isShutdown()) return;
        LOG.debug("Next certificate renewal of node {} in {}", options.nodeName(), delay);
        scheduler.schedule(this::renewDue, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void renewDue() {
        try {
            Instant now = clock.instant();
            if (!CredentialFiles.fresh(credentials.currentClientCertificate(), now)) renew(Renewed.CLIENT);
            if (!CredentialFiles.fresh(credentials.currentServingCertificate(), now)) renew(Renewed.SERVING);
            retry = FIRST_RETRY;
            schedule();
        } catch (RuntimeException e) {
            LOG.warn("Certificate renewal of node {} failed, retrying in {}: {}", options.nodeName(), retry, e.getMessage());
            scheduleIn(retry);
            retry = retry.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : retry.multipliedBy(2);
        }
    }

    /** Renews one certificate now, whatever its age, with the node's current client certificate. */
    public void renew(Renewed which) {
        X509Certificate before = which == Renewed.CLIENT ? credentials.currentClientCertificate() : credentials.currentServingCertificate();
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(credentials.config()).build()) {
            if (which == Renewed.CLIENT) NodeBootstrap.renewClient(client, options, credentials);
            else NodeBootstrap.renewServing(client, options, credentials);
        }
        LOG.info("Renewed the {} certificate of node {} (the old one was valid until {})", which.name().toLowerCase(),
                options.nodeName(), before.getNotAfter().toInstant());
        listener.renewed(which, credentials);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
