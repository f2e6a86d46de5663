package dev.pier.agent.server;

import dev.pier.pki.ClientIdentity;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Who may call the agent: the API server's kubelet client. TLS has already checked that the
 * client certificate chains to the cluster CA; this checks whom it names, as the kubelet's
 * authorizer would for {@code nodes/proxy}: the kubelet client identity kubeadm issues, or an
 * administrator.
 */
final class Callers {
  static final String KUBELET_CLIENT = "kube-apiserver-kubelet-client";
  static final String MASTERS = "system:masters";

  enum Verdict { ALLOWED, UNAUTHENTICATED, FORBIDDEN }

  private Callers() {}

  /** @param peer the verified chain, leaf first; empty when the client sent no certificate */
  static Verdict check(List<Certificate> peer) {
    if (peer.isEmpty() || !(peer.getFirst() instanceof X509Certificate leaf)) return Verdict.UNAUTHENTICATED;
    ClientIdentity id;
    try {
      id = ClientIdentity.of(leaf);
    } catch (IllegalArgumentException noSingleUser) {
      return Verdict.UNAUTHENTICATED;
    }
    return id.user().equals(KUBELET_CLIENT) || id.groups().contains(MASTERS) ? Verdict.ALLOWED : Verdict.FORBIDDEN;
  }
}
