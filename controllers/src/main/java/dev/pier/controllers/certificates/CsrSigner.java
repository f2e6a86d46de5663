package dev.pier.controllers.certificates;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.client.LocalClient;
import dev.pier.apiserver.client.ResourceClient;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.resources.certificates.Csrs;
import dev.pier.controllers.runtime.EventHandler;
import dev.pier.controllers.runtime.EventRecorder;
import dev.pier.controllers.runtime.Informer;
import dev.pier.controllers.runtime.ObjectKey;
import dev.pier.controllers.runtime.Reconciler;
import dev.pier.controllers.runtime.Result;
import dev.pier.controllers.runtime.WorkQueue;
import dev.pier.pki.CertificateAuthority;
import dev.pier.pki.CertificateRequest;
import dev.pier.pki.Certificates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * Signs approved CertificateSigningRequests of the signers Pier runs ({@link NodeCsrRules#forSigner}) with the
 * cell's CA and writes the certificate through {@code status}, as kube-controller-manager's csrsigning
 * controller does. Validity: {@code spec.expirationSeconds} when given (the API keeps it at 600 s or more),
 * one year otherwise and at most, and never beyond the CA. A request that breaks its signer's rules, whoever
 * approved it, gets a Failed condition and a Warning event instead.
 */
public final class CsrSigner implements Reconciler<ObjectKey> {
    private static final Logger LOG = LoggerFactory.getLogger(CsrSigner.class);
    static final String COMPONENT = "certificatesigningrequest-signing-controller";
    static final Duration MAX_VALIDITY = Duration.ofDays(365);

    private final LocalClient client;
    private final Informer csrs;
    private final EventRecorder events;
    private final Clock clock;

    private CsrSigner(LocalClient client, Informer csrs, EventRecorder events, Clock clock) {
        this.client = client;
        this.csrs = csrs;
        this.events = events;
        this.clock = clock;
    }

    public static CsrSigner create(LocalClient client, Informer csrs, EventRecorder events, WorkQueue<ObjectKey> queue, Clock clock) {
        csrs.addHandler(EventHandler.onChange((cell, csr) -> {
            if (needsSigning(csr)) queue.add(ObjectKey.of(cell, csr));
        }));
        return new CsrSigner(client, csrs, events, clock);
    }

    static boolean needsSigning(ObjectNode csr) {
        return Csrs.isApproved(csr) && !Csrs.isIssued(csr) && !Csrs.hasCondition(csr, Csrs.FAILED);
    }

    /** How long a certificate for this request is valid, before the CA's own cap. */
    static Duration validity(ObjectNode csr) {
        if (!csr.path("spec").hasNonNull("expirationSeconds")) return MAX_VALIDITY;
        Duration asked = Duration.ofSeconds(Math.max(600, csr.path("spec").path("expirationSeconds").asLong()));
        return asked.compareTo(MAX_VALIDITY) > 0 ? MAX_VALIDITY : asked;
    }

    @Override
    public Result sync(ObjectKey key) {
        Optional<ObjectNode> cached = csrs.get(key);
        if (cached.isEmpty() || !needsSigning(cached.get())) return Result.done();
        ObjectNode csr = cached.get();
        CertificateRequest request;
        try {
            request = Csrs.request(csr);
        } catch (IllegalArgumentException e) {
            return fail(key, csr, "the request does not parse: " + e.getMessage());
        }
        Optional<Optional<String>> rule = NodeCsrRules.forSigner(Csrs.signerName(csr), request, Csrs.usages(csr));
        if (rule.isEmpty()) return Result.done(); // another signer's
        if (rule.get().isPresent()) return fail(key, csr, rule.get().get());
        CertificateAuthority ca = client.cell(key.cell()).certificateAuthority();
        X509Certificate certificate = ca.sign(request, Csrs.usages(csr), validity(csr));
        ObjectNode issued = csr.deepCopy();
        issued.withObject("status").put("certificate", Csrs.encode(Certificates.toPem(certificate)));
        try {
            client.resource(key.cell(), csrs.type()).updateStatus(issued);
            LOG.info("Signed CertificateSigningRequest {} for {}: {} until {}", key, Csrs.signerName(csr),
                    certificate.getSubjectX500Principal().getName(), certificate.getNotAfter().toInstant());
        } catch (ApiException e) {
            if (e.code() != 404 && e.code() != 409) throw e;
        }
        return Result.done();
    }

    private Result fail(ObjectKey key, ObjectNode csr, String why) {
        ObjectNode failed = csr.deepCopy();
        String now = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
        ObjectNode condition = Json.object();
        condition.put("type", Csrs.FAILED).put("status", "True").put("reason", "SignerValidationFailure").put("message", why)
                .put("lastUpdateTime", now).put("lastTransitionTime", now);
        failed.withObject("status").withArray("conditions").add(condition);
        ResourceClient client = this.client.resource(key.cell(), csrs.type());
        try {
            client.updateStatus(failed);
        } catch (ApiException e) {
            if (e.code() != 404 && e.code() != 409) throw e;
        }
        events.warning(key.cell(), csr, COMPONENT, "SignerValidationFailure", why);
        return Result.done();
    }
}
