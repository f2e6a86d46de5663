/**
 * Pier's PKI: per-cell certificate authorities, the serving and client certificates they issue,
 * and the kubeconfigs that carry them to users.
 *
 * <p>Certificates use ECDSA P-256 keys. Client certificates follow the Kubernetes convention
 * (CN = user, O = groups). Only the JDK's security providers are used at run time; BouncyCastle
 * builds and parses the ASN.1 and PEM but is never registered as a provider.
 */
package dev.pier.pki;
