package dev.pier.apiserver.resources.certificates;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.errors.FieldPath;
import dev.pier.apiserver.registry.NameRule;
import dev.pier.apiserver.resources.Tree;
import dev.pier.pki.Certificates;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Validation of CertificateSigningRequests, after Kubernetes' certificates validation. */
final class CsrRules {
    static final long MIN_EXPIRATION_SECONDS = 600;
    private static final FieldPath SPEC = FieldPath.root("spec");
    private static final FieldPath STATUS = FieldPath.root("status");
    private static final Set<String> CONDITION_STATUSES = Set.of("True", "False", "Unknown");

    private CsrRules() {
    }

    static void spec(List<FieldError> errs, JsonNode csr) {
        JsonNode spec = csr.path("spec");
        String request = Tree.text(spec, "request");
        if (request.isEmpty()) {
            errs.add(FieldError.required(SPEC.child("request"), ""));
        } else {
            try {
                Csrs.request(csr);
            } catch (IllegalArgumentException e) {
                errs.add(FieldError.invalid(SPEC.child("request"), "(" + request.length() + " base64 characters)", e.getMessage()));
            }
        }
        String signer = Tree.text(spec, "signerName");
        if (signer.isEmpty()) errs.add(FieldError.required(SPEC.child("signerName"), ""));
        else signerName(errs, signer);
        JsonNode usages = spec.path("usages");
        if (usages.isEmpty()) errs.add(FieldError.required(SPEC.child("usages"), "usages must be provided"));
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < usages.size(); i++) {
            String u = usages.get(i).asText();
            if (!Csrs.USAGES.contains(u)) errs.add(FieldError.notSupported(SPEC.child("usages").index(i), u, Csrs.USAGES.stream().sorted().toList()));
            else if (!seen.add(u)) errs.add(FieldError.duplicate(SPEC.child("usages").index(i), u));
        }
        if (spec.hasNonNull("expirationSeconds") && spec.path("expirationSeconds").asLong() < MIN_EXPIRATION_SECONDS) {
            errs.add(FieldError.invalid(SPEC.child("expirationSeconds"), spec.path("expirationSeconds").asLong(),
                    "may not specify a duration less than 600 seconds (10 minutes)"));
        }
    }

    /** A signer name is {@code <domain>/<path>}: a DNS subdomain, a slash, and a path of at most 253 characters. */
    private static void signerName(List<FieldError> errs, String signer) {
        FieldPath path = SPEC.child("signerName");
        int slash = signer.indexOf('/');
        if (slash < 0) {
            errs.add(FieldError.invalid(path, signer, "must be a fully qualified domain and path of the form 'example.com/signer-name'"));
            return;
        }
        String domain = signer.substring(0, slash);
        String why = NameRule.DNS_SUBDOMAIN.check(domain);
        if (why != null) errs.add(FieldError.invalid(path, signer, "the domain part " + why));
        if (signer.length() - slash - 1 == 0) errs.add(FieldError.invalid(path, signer, "the path part must not be empty"));
        if (signer.length() > 571) errs.add(FieldError.tooLong(path, 571));
    }

    /** Conditions, and the certificate: only once approved, PEM CERTIFICATE blocks only. */
    static void status(List<FieldError> errs, JsonNode csr) {
        JsonNode conditions = csr.path("status").path("conditions");
        FieldPath cpath = STATUS.child("conditions");
        Set<String> types = new HashSet<>();
        for (int i = 0; i < conditions.size(); i++) {
            JsonNode c = conditions.get(i);
            String type = Tree.text(c, "type");
            String status = Tree.text(c, "status");
            if (type.isEmpty()) errs.add(FieldError.required(cpath.index(i).child("type"), ""));
            boolean approval = type.equals(Csrs.APPROVED) || type.equals(Csrs.DENIED) || type.equals(Csrs.FAILED);
            if (approval && !types.add(type)) errs.add(FieldError.duplicate(cpath.index(i).child("type"), type));
            if (status.isEmpty()) errs.add(FieldError.required(cpath.index(i).child("status"), ""));
            else if (approval && !status.equals("True")) errs.add(FieldError.notSupported(cpath.index(i).child("status"), status, List.of("True")));
            else if (!CONDITION_STATUSES.contains(status)) {
                errs.add(FieldError.notSupported(cpath.index(i).child("status"), status, List.of("False", "True", "Unknown")));
            }
        }
        if (types.contains(Csrs.APPROVED) && types.contains(Csrs.DENIED)) {
            errs.add(FieldError.invalid(cpath, Csrs.APPROVED, "Approved and Denied conditions are mutually exclusive"));
        }
        String certificate = Tree.text(csr.path("status"), "certificate");
        if (!certificate.isEmpty()) {
            FieldPath path = STATUS.child("certificate");
            if (!types.contains(Csrs.APPROVED) || types.contains(Csrs.DENIED) || types.contains(Csrs.FAILED)) {
                errs.add(FieldError.forbidden(path, "certificate may only be set when the request is Approved and not Denied or Failed"));
            }
            try {
                String pem = Csrs.decode(certificate);
                if (!pem.contains("-----BEGIN CERTIFICATE-----") || pem.replaceAll("(?s)-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", "").strip().length() > 0
                        || Certificates.parse(pem).isEmpty()) {
                    errs.add(FieldError.invalid(path, "<certificate data>", "must contain only PEM CERTIFICATE blocks"));
                }
            } catch (IllegalArgumentException e) {
                errs.add(FieldError.invalid(path, "<certificate data>", "must contain one or more PEM CERTIFICATE blocks: " + e.getMessage()));
            }
        }
    }

    /** What may change in an update: the certificate is set once; Approved and Denied change only through /approval. */
    static void update(List<FieldError> errs, JsonNode csr, JsonNode old) {
        String before = Tree.text(old.path("status"), "certificate");
        if (!before.isEmpty() && !before.equals(Tree.text(csr.path("status"), "certificate"))) {
            errs.add(FieldError.forbidden(STATUS.child("certificate"), "updates may not modify existing certificate content"));
        }
        for (String type : List.of(Csrs.APPROVED, Csrs.DENIED)) {
            if (!Tree.same(conditions(csr, type), conditions(old, type))) {
                errs.add(FieldError.forbidden(STATUS.child("conditions"),
                        "updates may not add, remove or change a condition of type \"" + type + "\": use the approval subresource"));
            }
        }
    }

    static com.fasterxml.jackson.databind.node.ArrayNode conditions(JsonNode csr, String type) {
        var out = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
        for (JsonNode c : csr.path("status").path("conditions")) if (c.path("type").asText().equals(type)) out.add(c);
        return out;
    }
}
