package dev.pier.agent.join;

import dev.pier.pki.Certificates;
import dev.pier.pki.IssuedCertificate;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Reading and replacing credential files. A file is replaced by writing a sibling and renaming it over the
 * old one, so a reader sees the old file or the new one, never half of either; keys are written before their
 * certificates and are readable by their owner only.
 */
final class CredentialFiles {
    /** A certificate is renewed once this share of its lifetime has passed (the kubelet's 70-90% window). */
    static final double RENEW_AT = 0.8;

    private CredentialFiles() {
    }

    /** The certificate and key in these files, if both exist, parse and belong together. */
    static Optional<IssuedCertificate> load(Path certificate, Path key) {
        if (!Files.isRegularFile(certificate) || !Files.isRegularFile(key)) return Optional.empty();
        try {
            return Optional.of(IssuedCertificate.fromPem(Files.readString(certificate), Files.readString(key)));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** When a certificate should be replaced: {@link #RENEW_AT} of the way from notBefore to notAfter. */
    static Instant renewAt(X509Certificate certificate) {
        Instant from = certificate.getNotBefore().toInstant();
        Instant to = certificate.getNotAfter().toInstant();
        return from.plusMillis((long) (Duration.between(from, to).toMillis() * RENEW_AT));
    }

    static boolean fresh(X509Certificate certificate, Instant now) {
        return now.isBefore(renewAt(certificate)) && !now.isBefore(certificate.getNotBefore().toInstant());
    }

    /** Writes a key and its certificate, key first: each file replaced atomically. */
    static void writePair(Path certificate, Path key, String certificatePem, String keyPem) throws IOException {
        Certificates.parse(certificatePem); // never write what no reader could load
        write(key, keyPem, true);
        write(certificate, certificatePem, false);
    }

    static void write(Path file, String content, boolean secret) throws IOException {
        Files.createDirectories(file.getParent());
        Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--")));
        Files.writeString(temp, content);
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
