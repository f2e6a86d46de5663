package dev.pier.controllers.certificates;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.client.LocalClient;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/**
 * Approves the CertificateSigningRequests of nodes by {@link ApprovalDecision}'s rules, through the
 * {@code approval} subresource as an admin would. A request Pier will not approve gets one Warning event
 * saying why, and waits for an admin.
 */
public final class CsrApprover implements Reconciler<ObjectKey> {
    private static final Logger LOG = LoggerFactory.getLogger(CsrApprover.class);
    static final String COMPONENT = "certificatesigningrequest-approving-controller";

    private final LocalClient client;
    private final Informer csrs;
    private final EventRecorder events;

    private CsrApprover(LocalClient client, Informer csrs, EventRecorder events) {
        this.client = client;
        this.csrs = csrs;
        this.events = events;
    }

    public static CsrApprover create(LocalClient client, Informer csrs, EventRecorder events, WorkQueue<ObjectKey> queue) {
        csrs.addHandler(EventHandler.onChange((cell, csr) -> {
            if (!Csrs.isDecided(csr)) queue.add(ObjectKey.of(cell, csr));
        }));
        return new CsrApprover(client, csrs, events);
    }

    @Override
    public Result sync(ObjectKey key) {
        Optional<ObjectNode> cached = csrs.get(key);
        if (cached.isEmpty()) return Result.done();
        ObjectNode csr = cached.get();
        ApprovalDecision decision = ApprovalDecision.of(csr);
        switch (decision.outcome()) {
            case NOT_MINE -> {
            }
            case LEAVE_PENDING -> {
                // once per request: a CSR only changes when someone decides it, which ends its syncs
                events.warning(key.cell(), csr, COMPONENT, decision.reason(), decision.message());
            }
            case APPROVE -> {
                ObjectNode approval = csr.deepCopy();
                ObjectNode condition = Json.object();
                condition.put("type", Csrs.APPROVED).put("status", "True").put("reason", decision.reason()).put("message", decision.message());
                approval.withObject("status").withArray("conditions").add(condition);
                try {
                    client.resource(key.cell(), csrs.type()).updateApproval(approval);
                    LOG.info("Approved CertificateSigningRequest {} of {} for {}", key, csr.path("spec").path("username").asText(),
                            Csrs.signerName(csr));
                } catch (ApiException e) {
                    if (e.code() != 404 && e.code() != 409) throw e; // gone, or changed meanwhile: the next event decides
                }
            }
        }
        return Result.done();
    }
}
