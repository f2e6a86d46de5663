package dev.pier.apiserver.resources.certificates;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pier.pki.CertificateRequest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * What every party reads from a CertificateSigningRequest (the API's rules, the approver, the signer):
 * the well-known signers, condition types and usages, and the request and certificate as text.
 */
public final class Csrs {
    public static final String KUBELET_CLIENT = "kubernetes.io/kube-apiserver-client-kubelet";
    public static final String KUBELET_SERVING = "kubernetes.io/kubelet-serving";
    public static final String APISERVER_CLIENT = "kubernetes.io/kube-apiserver-client";
    public static final String LEGACY_UNKNOWN = "kubernetes.io/legacy-unknown";

    public static final String APPROVED = "Approved";
    public static final String DENIED = "Denied";
    public static final String FAILED = "Failed";

    /** Kubernetes' KeyUsage values (certificates.k8s.io/v1). */
    public static final Set<String> USAGES = Set.of("signing", "digital signature", "content commitment", "key encipherment",
            "key agreement", "data encipherment", "cert sign", "crl sign", "encipher only", "decipher only", "any",
            "server auth", "client auth", "code signing", "email protection", "s/mime", "ipsec end system",
            "ipsec tunnel", "ipsec user", "timestamping", "ocsp signing", "microsoft sgc", "netscape sgc");

    private Csrs() {
    }

    public static String signerName(JsonNode csr) {
        return csr.path("spec").path("signerName").asText("");
    }

    public static boolean hasCondition(JsonNode csr, String type) {
        for (JsonNode c : csr.path("status").path("conditions")) {
            if (c.path("type").asText().equals(type) && c.path("status").asText("True").equals("True")) return true;
        }
        return false;
    }

    public static boolean isApproved(JsonNode csr) {
        return hasCondition(csr, APPROVED) && !hasCondition(csr, DENIED);
    }

    /** Approved, denied or failed: nothing more for an approver to decide. */
    public static boolean isDecided(JsonNode csr) {
        return hasCondition(csr, APPROVED) || hasCondition(csr, DENIED) || hasCondition(csr, FAILED);
    }

    public static boolean isIssued(JsonNode csr) {
        return !csr.path("status").path("certificate").asText("").isEmpty();
    }

    public static List<String> usages(JsonNode csr) {
        List<String> out = new ArrayList<>();
        for (JsonNode u : csr.path("spec").path("usages")) out.add(u.asText());
        return out;
    }

    public static List<String> groups(JsonNode csr) {
        List<String> out = new ArrayList<>();
        for (JsonNode g : csr.path("spec").path("groups")) out.add(g.asText());
        return out;
    }

    /** {@code spec.request} (JSON bytes: base64) parsed and signature-checked. */
    public static CertificateRequest request(JsonNode csr) {
        return CertificateRequest.parse(decode(csr.path("spec").path("request").asText("")));
    }

    /** A JSON {@code []byte} field's text: base64 decoded, as PEM is ASCII. */
    public static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.US_ASCII);
    }

    public static String encode(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }
}
