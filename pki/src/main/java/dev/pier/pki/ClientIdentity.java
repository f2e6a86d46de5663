package dev.pier.pki;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;

/**
 * The Kubernetes user a client certificate names: the subject's CN is the user name and each
 * O is a group.
 *
 * @param user   the user name
 * @param groups the groups, in subject order
 */
public record ClientIdentity(String user, List<String> groups) {

    /** Copies {@code groups}; both components are required. */
    public ClientIdentity {
        Objects.requireNonNull(user, "user");
        groups = List.copyOf(groups);
    }

    /**
     * Reads the identity from a certificate's subject. This does not check who issued the
     * certificate: see {@link CertificateAuthority#authenticateClient(X509Certificate)}.
     *
     * <p>The subject is decoded from its DER encoding, never by splitting the DN string, so a
     * comma or plus sign inside a name cannot forge an extra group.
     *
     * @throws IllegalArgumentException if the subject has no CN or several, because a
     *                                  certificate that names no single user must not authenticate
     */
    public static ClientIdentity of(X509Certificate certificate) {
        X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
        var users = new ArrayList<String>();
        var groups = new ArrayList<String>();
        for (RDN rdn : subject.getRDNs()) {
            // An RDN may be multi-valued ("O=a+CN=b"), so look at every attribute in it.
            for (AttributeTypeAndValue attribute : rdn.getTypesAndValues()) {
                if (attribute.getType().equals(BCStyle.CN)) {
                    users.add(text(attribute));
                } else if (attribute.getType().equals(BCStyle.O)) {
                    groups.add(text(attribute));
                }
            }
        }
        if (users.size() != 1 || users.getFirst().isEmpty()) {
            throw new IllegalArgumentException("certificate subject must have exactly one non-empty CN: "
                    + certificate.getSubjectX500Principal());
        }
        return new ClientIdentity(users.getFirst(), groups);
    }

    private static String text(AttributeTypeAndValue attribute) {
        if (attribute.getValue() instanceof ASN1String string) {
            return string.getString();
        }
        throw new IllegalArgumentException("subject attribute " + attribute.getType() + " is not a string");
    }
}
