package dev.pier.pki;

import java.io.IOException;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.DERIA5String;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.bouncycastle.util.IPAddress;

/**
 * A PKCS#10 certificate signing request, as carried in a Kubernetes CertificateSigningRequest's
 * {@code spec.request}: parsed and signature-checked by {@link #parse}, made with a fresh key by
 * {@link #generate}. Immutable.
 */
public final class CertificateRequest {
    private final PKCS10CertificationRequest request;
    private final PublicKey publicKey;
    private final List<String> commonNames = new ArrayList<>();
    private final List<String> organizations = new ArrayList<>();
    private int otherSubjectAttributes;
    private final List<String> dnsNames = new ArrayList<>();
    private final List<String> ipAddresses = new ArrayList<>();
    private int otherNames;

    private CertificateRequest(PKCS10CertificationRequest request, PublicKey publicKey) {
        this.request = request;
        this.publicKey = publicKey;
        for (RDN rdn : request.getSubject().getRDNs()) {
            for (AttributeTypeAndValue a : rdn.getTypesAndValues()) {
                String text = a.getValue() instanceof ASN1String s ? s.getString() : null;
                if (a.getType().equals(BCStyle.CN) && text != null) commonNames.add(text);
                else if (a.getType().equals(BCStyle.O) && text != null) organizations.add(text);
                else otherSubjectAttributes++;
            }
        }
        GeneralNames sans = subjectAltNames(request);
        if (sans != null) {
            for (GeneralName n : sans.getNames()) {
                switch (n.getTagNo()) {
                    case GeneralName.dNSName -> dnsNames.add(DERIA5String.getInstance(n.getName()).getString());
                    case GeneralName.iPAddress -> ipAddresses.add(ip(ASN1OctetString.getInstance(n.getName()).getOctets()));
                    default -> otherNames++;
                }
            }
        }
    }

    /** A fresh ECDSA P-256 key and a request for it, ready to send as a CertificateSigningRequest. */
    public record KeyAndRequest(PrivateKey privateKey, String requestPem) {
        public KeyAndRequest {
            Objects.requireNonNull(privateKey, "privateKey");
            Objects.requireNonNull(requestPem, "requestPem");
        }

        /**
         * The key in the form kubeconfigs and the kubelet use: SEC1 ("EC PRIVATE KEY"), which every client
         * (fabric8 included) and TLS server reads.
         */
        public String privateKeyPem() {
            return Pem.kubeconfigPrivateKey(privateKey);
        }

        @Override
        public String toString() {
            return "KeyAndRequest[key hidden]";
        }
    }

    /**
     * Makes a key and a request for subject {@code CN=commonName, O=organizations...} with the given
     * DNS and IP subject alternative names (both may be empty, as for client certificates).
     */
    public static KeyAndRequest generate(String commonName, List<String> organizations, List<String> dnsNames,
                                         List<String> ipAddresses) {
        Objects.requireNonNull(commonName, "commonName");
        var subject = new X500NameBuilder(BCStyle.INSTANCE);
        for (String o : List.copyOf(organizations)) subject.addRDN(BCStyle.O, o);
        subject.addRDN(BCStyle.CN, commonName);
        KeyPair keys = Keys.generateEcP256();
        var builder = new JcaPKCS10CertificationRequestBuilder(subject.build(), keys.getPublic());
        var names = new ArrayList<GeneralName>();
        for (String dns : List.copyOf(dnsNames)) names.add(new GeneralName(GeneralName.dNSName, dns));
        for (String ip : List.copyOf(ipAddresses)) {
            if (!IPAddress.isValidIPv4(ip) && !IPAddress.isValidIPv6(ip)) throw new IllegalArgumentException("not an IP address: " + ip);
            names.add(new GeneralName(GeneralName.iPAddress, ip));
        }
        try {
            if (!names.isEmpty()) {
                var extensions = new ExtensionsGenerator();
                extensions.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
                builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
            }
            var signer = new JcaContentSignerBuilder("SHA256withECDSA").setSecureRandom(Keys.RANDOM).build(keys.getPrivate());
            return new KeyAndRequest(keys.getPrivate(), Pem.encode("CERTIFICATE REQUEST", builder.build(signer).getEncoded()));
        } catch (IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot build a certificate request", e);
        }
    }

    /**
     * Parses a PEM {@code CERTIFICATE REQUEST} block and checks that the request is signed by the key it
     * names (proof that the requester holds that key).
     *
     * @throws IllegalArgumentException with a reason fit for a validation message otherwise
     */
    public static CertificateRequest parse(String pem) {
        Objects.requireNonNull(pem, "pem");
        Object object;
        try (var parser = new PEMParser(new StringReader(pem))) {
            object = parser.readObject();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a PEM certificate request: " + e.getMessage(), e);
        }
        if (!(object instanceof PKCS10CertificationRequest request)) {
            throw new IllegalArgumentException(object == null ? "no PEM block found"
                    : "PEM block is not a CERTIFICATE REQUEST");
        }
        try {
            var jca = new JcaPKCS10CertificationRequest(request);
            PublicKey key = jca.getPublicKey();
            if (!request.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key))) {
                throw new IllegalArgumentException("the request's signature does not verify");
            }
            return new CertificateRequest(request, key);
        } catch (OperatorCreationException | PKCSException | java.security.GeneralSecurityException | RuntimeException e) {
            if (e instanceof IllegalArgumentException iae) throw iae;
            throw new IllegalArgumentException("cannot verify the certificate request: " + e.getMessage(), e);
        }
    }

    /** The subject's CN values, in order (a well-formed request has exactly one). */
    public List<String> commonNames() {
        return List.copyOf(commonNames);
    }

    /** The subject's O values, in order. */
    public List<String> organizations() {
        return List.copyOf(organizations);
    }

    /** Whether the subject has attributes besides CN and O (OU, C, L, ...). */
    public boolean hasOtherSubjectAttributes() {
        return otherSubjectAttributes > 0;
    }

    public List<String> dnsNames() {
        return List.copyOf(dnsNames);
    }

    /** IP subject alternative names in their canonical text form. */
    public List<String> ipAddresses() {
        return List.copyOf(ipAddresses);
    }

    /** Whether there are subject alternative names other than DNS names and IP addresses (email, URI, ...). */
    public boolean hasOtherSubjectAltNames() {
        return otherNames > 0;
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    X500Name subject() {
        return request.getSubject();
    }

    GeneralNames subjectAltNamesForSigning() {
        return subjectAltNames(request);
    }

    private static GeneralNames subjectAltNames(PKCS10CertificationRequest request) {
        for (var attribute : request.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
            for (var value : attribute.getAttrValues()) {
                Extensions extensions = Extensions.getInstance(value);
                GeneralNames names = GeneralNames.fromExtensions(extensions, Extension.subjectAlternativeName);
                if (names != null) return names;
            }
        }
        return null;
    }

    private static String ip(byte[] octets) {
        try {
            return InetAddress.getByAddress(octets).getHostAddress();
        } catch (UnknownHostException e) {
            return "invalid";
        }
    }

    @Override
    public String toString() {
        return "CertificateRequest[" + request.getSubject() + "]";
    }
}
