package dev.pier.agent.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The agent server's TLS material, as PEM: its serving certificate (chain) and key, and the
 * cluster CA that must have issued every client certificate.
 */
public record ServerTls(String certificatePem, String privateKeyPem, String clientCaPem) {

  public ServerTls {
    Objects.requireNonNull(certificatePem, "certificatePem");
    Objects.requireNonNull(privateKeyPem, "privateKeyPem");
    Objects.requireNonNull(clientCaPem, "clientCaPem");
  }

  /** Reads {@code <data-dir>/pki/kubelet.crt}, {@code kubelet.key} and {@code ca.crt} (or any other paths). */
  public static ServerTls fromFiles(Path certificate, Path privateKey, Path clientCa) {
    try {
      return new ServerTls(Files.readString(certificate), Files.readString(privateKey), Files.readString(clientCa));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the agent's TLS files: " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "ServerTls[certificate, key and client CA in PEM]"; // never the key
  }
}
