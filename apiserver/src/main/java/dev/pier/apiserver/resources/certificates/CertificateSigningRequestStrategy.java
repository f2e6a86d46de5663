package dev.pier.apiserver.resources.certificates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.auth.UserInfo;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.registry.NameRule;
import dev.pier.apiserver.registry.RecordsRequestor;
import dev.pier.apiserver.registry.ResourceStrategy;
import dev.pier.apiserver.resources.Tree;
import dev.pier.apiserver.table.Ages;
import dev.pier.apiserver.table.TableConvertor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * certificates.k8s.io/v1 CertificateSigningRequests: a request for a certificate from a named signer.
 * The spec is fixed at create, where the server records who asked ({@code spec.username}, {@code uid},
 * {@code groups}, {@code extra}: never what the client claims); it never changes afterwards, as in
 * Kubernetes (an update's spec is the stored one). The status has two writers: {@code /approval} sets
 * Approved or Denied ({@link CsrApproval}), {@code /status} the certificate and other conditions.
 */
public final class CertificateSigningRequestStrategy implements ResourceStrategy, RecordsRequestor {
    public static final CertificateSigningRequestStrategy INSTANCE = new CertificateSigningRequestStrategy();

    private static final TableConvertor TABLE = TableConvertor.builder()
            .age()
            .column("SignerName", o -> Tree.text(o.path("spec"), "signerName"))
            .column("Requestor", o -> Tree.text(o.path("spec"), "username"))
            .column("RequestedDuration", o -> o.path("spec").hasNonNull("expirationSeconds")
                    ? Ages.human(Duration.ofSeconds(o.path("spec").path("expirationSeconds").asLong())) : null)
            .column("Condition", CertificateSigningRequestStrategy::condition)
            .build();

    private CertificateSigningRequestStrategy() {
    }

    @Override
    public void recordRequestor(ObjectNode csr, UserInfo user) {
        ObjectNode spec = Tree.obj(csr, "spec");
        spec.remove(List.of("username", "uid", "groups", "extra"));
        if (user == null) return; // the server's own components ask as nobody in particular
        if (!user.name().isEmpty()) spec.put("username", user.name());
        if (!user.uid().isEmpty()) spec.put("uid", user.uid());
        ArrayNode groups = spec.putArray("groups");
        user.groups().forEach(groups::add);
        if (!user.extra().isEmpty()) {
            ObjectNode extra = spec.putObject("extra");
            user.extra().forEach((k, v) -> {
                ArrayNode values = extra.putArray(k);
                v.forEach(values::add);
            });
        }
    }

    @Override
    public void prepareForCreate(ObjectNode csr) {
        // kubectl 1.32 and client-go send a signer; an old client's empty one is the legacy signer, as in Kubernetes
        if (Tree.text(csr.path("spec"), "signerName").isEmpty() && csr.path("spec").isObject()) {
            ((ObjectNode) csr.get("spec")).put("signerName", Csrs.LEGACY_UNKNOWN);
        }
    }

    @Override
    public void prepareForUpdate(ObjectNode csr, ObjectNode old) {
        // the spec is what was asked for and who asked: fixed once created
        if (old.has("spec")) csr.set("spec", old.get("spec").deepCopy());
    }

    @Override
    public List<FieldError> validate(ObjectNode csr) {
        List<FieldError> errs = new ArrayList<>();
        CsrRules.spec(errs, csr);
        CsrRules.status(errs, csr);
        return errs;
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode csr, ObjectNode old) {
        List<FieldError> errs = new ArrayList<>();
        CsrRules.update(errs, csr, old);
        CsrRules.status(errs, csr);
        return errs;
    }

    @Override
    public boolean hasStatusSubresource() {
        return true;
    }

    @Override
    public boolean tracksGeneration() {
        return false; // the spec never changes
    }

    @Override
    public NameRule nameRule() {
        return NameRule.PATH_SEGMENT;
    }

    @Override
    public TableConvertor table() {
        return TABLE;
    }

    @Override
    public Map<String, Function<ObjectNode, String>> fieldSelectors() {
        return Map.of("spec.signerName", o -> Tree.text(o.path("spec"), "signerName"));
    }

    /** kubectl's CONDITION: Denied, Approved or Pending, then Failed and Issued when they apply. */
    static String condition(JsonNode csr) {
        StringBuilder s = new StringBuilder(Csrs.hasCondition(csr, Csrs.DENIED) ? "Denied"
                : Csrs.hasCondition(csr, Csrs.APPROVED) ? "Approved" : "Pending");
        if (Csrs.hasCondition(csr, Csrs.FAILED)) s.append(",Failed");
        if (Csrs.isIssued(csr)) s.append(",Issued");
        return s.toString();
    }
}
