package dev.pier.agent.kubelet;

import dev.pier.agent.cri.CriClient;
import dev.pier.agent.cri.ExecResult;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Runs one probe once: exec in the container through CRI, an HTTP GET (2xx and 3xx pass; HTTPS
 * is not verified, as the kubelet does not), or a TCP connect, all to the pod's IP from the node.
 */
final class ProbeRunner {
  record Result(boolean success, String output) {}

  private final CriClient cri;
  private final HttpClient http;
  private final HttpClient https;

  ProbeRunner(CriClient cri) {
    this.cri = cri;
    this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
    this.https = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).sslContext(trustAll()).build();
  }

  Result run(Probe probe, Container c, String containerId, String podIp) {
    Duration timeout = Duration.ofSeconds(probe.getTimeoutSeconds() == null ? 1 : Math.max(1, probe.getTimeoutSeconds()));
    if (probe.getExec() != null) {
      ExecResult r = cri.execSync(containerId, probe.getExec().getCommand(), timeout);
      String out = new String(r.stdout(), StandardCharsets.UTF_8) + new String(r.stderr(), StandardCharsets.UTF_8);
      return new Result(r.exitCode() == 0, r.exitCode() == 0 ? out : "command " + probe.getExec().getCommand()
          + " exited with " + r.exitCode() + (out.isBlank() ? "" : ": " + out.strip()));
    }
    if (probe.getHttpGet() != null) {
      var g = probe.getHttpGet();
      String host = g.getHost() == null || g.getHost().isEmpty() ? podIp : g.getHost();
      int port = port(g.getPort(), c);
      String scheme = g.getScheme() == null ? "HTTP" : g.getScheme();
      String path = g.getPath() == null || g.getPath().isEmpty() ? "/" : g.getPath();
      if (!path.startsWith("/")) path = "/" + path;
      URI uri = URI.create(scheme.toLowerCase() + "://" + host + ":" + port + path);
      HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(timeout).GET().header("User-Agent", "kube-probe/1.32");
      if (g.getHttpHeaders() != null) g.getHttpHeaders().forEach(h -> req.header(h.getName(), h.getValue()));
      try {
        HttpResponse<String> resp = (scheme.equals("HTTPS") ? https : http).send(req.build(), HttpResponse.BodyHandlers.ofString());
        boolean ok = resp.statusCode() >= 200 && resp.statusCode() < 400;
        return new Result(ok, ok ? "" : "HTTP probe failed with statuscode: " + resp.statusCode());
      } catch (IOException e) {
        return new Result(false, "Get \"" + uri + "\": " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Result(false, "interrupted");
      }
    }
    if (probe.getTcpSocket() != null) {
      var t = probe.getTcpSocket();
      String host = t.getHost() == null || t.getHost().isEmpty() ? podIp : t.getHost();
      int port = port(t.getPort(), c);
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
        return new Result(true, "");
      } catch (IOException e) {
        return new Result(false, "dial tcp " + host + ":" + port + ": " + e.getMessage());
      }
    }
    if (probe.getGrpc() != null) {
      return new Result(false, "gRPC probes are not supported by Pier's agent yet");
    }
    return new Result(true, "");
  }

  /** A port by number, or by the name of one of the container's ports. */
  private static int port(IntOrString port, Container c) {
    if (port == null) return 80;
    if (port.getIntVal() != null) return port.getIntVal();
    String name = port.getStrVal();
    if (c.getPorts() != null) {
      for (ContainerPort p : c.getPorts()) {
        if (name.equals(p.getName())) return p.getContainerPort();
      }
    }
    try {
      return Integer.parseInt(name);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static SSLContext trustAll() {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
          return new X509Certificate[0];
        }
      }}, new SecureRandom());
      return ctx;
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
