package dev.pier.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Proves the certificates work for real TLS with mutual authentication, using only the JDK's JSSE. */
class TlsHandshakeTest {

    private static final Duration DAY = Duration.ofDays(1);
    private static final CertificateAuthority CA = CertificateAuthority.generate("pier-tls-test-ca");

    private SSLServerSocket server;
    private CompletableFuture<String> served;

    @BeforeEach
    void startServer() throws IOException {
        IssuedCertificate serving = CA.issueServing("kube-apiserver", List.of("localhost"),
                List.of("127.0.0.1"), DAY);
        SSLContext context = Tls.sslContext(serving, List.of(), List.of(CA.certificate()));
        server = (SSLServerSocket) context.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress());
        server.setNeedClientAuth(true);
        // One connection: handshake, then answer with the user the client certificate names,
        // the way the API server would after checking the cell's CA.
        served = CompletableFuture.supplyAsync(() -> {
            try (var socket = (SSLSocket) server.accept()) {
                socket.setSoTimeout(10_000);
                socket.startHandshake();
                var peer = (X509Certificate) socket.getSession().getPeerCertificates()[0];
                String user = CA.authenticateClient(peer).map(ClientIdentity::toString).orElse("unauthenticated");
                socket.getOutputStream().write((user + "\n").getBytes(StandardCharsets.UTF_8));
                socket.getOutputStream().flush();
                return user;
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
    }

    @AfterEach
    void stopServer() throws IOException {
        server.close();
    }

    @Test
    void mutualTlsHandshakeWithIssuedCertificates() throws Exception {
        IssuedCertificate client = CA.issueClient("admin", List.of("system:masters"), DAY);
        SSLContext context = Tls.sslContext(client, List.of(), List.of(CA.certificate()));

        try (var socket = connect(context)) {
            socket.startHandshake();
            // The server's certificate chained to the CA and matched 127.0.0.1 by IP SAN.
            var serverCert = (X509Certificate) socket.getSession().getPeerCertificates()[0];
            assertThat(serverCert.getSubjectX500Principal().getName()).isEqualTo("CN=kube-apiserver");
            assertThat(socket.getSession().getLocalCertificates()[0]).isEqualTo(client.certificate());
            String reply = new String(socket.getInputStream().readNBytes(200), StandardCharsets.UTF_8);
            assertThat(reply).isEqualTo("ClientIdentity[user=admin, groups=[system:masters]]\n");
        }
        assertThat(served.get(10, TimeUnit.SECONDS)).contains("admin");
    }

    @Test
    void serverRejectsClientCertificateOfAnotherCa() throws Exception {
        var otherCa = CertificateAuthority.generate("pier-tls-test-ca");
        IssuedCertificate intruder = otherCa.issueClient("admin", List.of("system:masters"), DAY);
        SSLContext context = Tls.sslContext(intruder, List.of(), List.of(CA.certificate()));

        // With TLS 1.3 the client learns of the rejection only on its first read.
        try (var socket = connect(context)) {
            assertThatThrownBy(() -> {
                socket.startHandshake();
                socket.getInputStream().read();
            }).isInstanceOf(IOException.class);
        }
        // The server's trust manager, built from the CA alone, refused the foreign chain.
        assertThatThrownBy(() -> served.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().cause().isInstanceOf(SSLHandshakeException.class)
                .hasMessageContaining("PKIX path validation failed");
    }

    @Test
    void clientRejectsServerCertificateForAnotherHost() throws Exception {
        IssuedCertificate client = CA.issueClient("admin", List.of(), DAY);
        SSLContext context = Tls.sslContext(client, List.of(), List.of(CA.certificate()));
        // Layered over a plain connection so the TLS layer believes it talks to a host the
        // serving certificate does not name (it names localhost and 127.0.0.1).
        try (var plain = new Socket(server.getInetAddress(), server.getLocalPort());
             var socket = (SSLSocket) context.getSocketFactory()
                     .createSocket(plain, "api.elsewhere.example", server.getLocalPort(), true)) {
            socket.setSoTimeout(10_000);
            var params = socket.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(params);
            assertThatThrownBy(socket::startHandshake)
                    .isInstanceOf(SSLHandshakeException.class)
                    .hasMessageContaining("api.elsewhere.example");
        }
    }

    /** A client socket to the server that verifies the server's certificate against its address, as HTTPS does. */
    private SSLSocket connect(SSLContext context) throws IOException {
        var socket = (SSLSocket) context.getSocketFactory()
                .createSocket(server.getInetAddress(), server.getLocalPort());
        socket.setSoTimeout(10_000);
        var params = socket.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(params);
        return socket;
    }
}
