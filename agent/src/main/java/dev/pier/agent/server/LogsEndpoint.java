package dev.pier.agent.server;

import dev.pier.agent.cri.Container;
import dev.pier.agent.cri.ContainerState;
import dev.pier.agent.cri.ContainerStatus;
import dev.pier.agent.cri.CriClient;
import dev.pier.agent.cri.CriException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code GET /containerLogs/{namespace}/{pod}/{container}}: the container's log, as the kubelet serves it. */
final class LogsEndpoint {
  private static final Logger LOG = LoggerFactory.getLogger(LogsEndpoint.class);

  private final CriClient cri;
  private final PodContainers pods;
  private final Clock clock;

  LogsEndpoint(CriClient cri, Clock clock) {
    this.cri = cri;
    this.pods = new PodContainers(cri);
    this.clock = clock;
  }

  /** Runs on a thread that may block (CRI calls, file reads). */
  void serve(HttpServerRequest request, String namespace, String pod, String container) {
    HttpServerResponse response = request.response();
    LogOptions options;
    try {
      options = LogOptions.parse(request::getParam, clock);
    } catch (IllegalArgumentException e) {
      Responses.text(response, 400, e.getMessage());
      return;
    }
    List<Container> attempts = pods.attempts(namespace, pod, container);
    if (attempts.isEmpty()) {
      Responses.text(response, 400, "container \"" + container + "\" in pod \"" + pod + "\" is waiting to start: ContainerCreating");
      return;
    }
    if (options.previous() && attempts.size() < 2) {
      Responses.text(response, 400, "previous terminated container \"" + container + "\" in pod \"" + pod + "\" not found");
      return;
    }
    Container shown = attempts.get(options.previous() ? 1 : 0);
    ContainerStatus status = cri.containerStatus(shown.id());
    Path file = Path.of(status.logPath());
    if (status.logPath().isEmpty() || !Files.exists(file)) {
      Responses.text(response, 404, "no log file for container \"" + container + "\" in pod \"" + pod + "\"");
      return;
    }
    response.setStatusCode(200).setChunked(true).putHeader("Content-Type", "text/plain");
    ResponseSink sink = new ResponseSink(response);
    try {
      ContainerLogs.stream(file, options, () -> running(shown.id()), sink);
    } catch (NoSuchFileException e) {
      // the container was removed while its log was read: what was sent is all there is
    } catch (IOException e) {
      LOG.warn("Reading the log of {}/{}/{} failed", namespace, pod, container, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!sink.gone() && !response.ended()) response.end();
  }

  private boolean running(String containerId) {
    try {
      return cri.containerStatus(containerId).state() == ContainerState.RUNNING;
    } catch (CriException e) {
      return false;
    }
  }

  /** Writes to a chunked response, waiting while Vert.x's write queue is full. */
  private static final class ResponseSink implements ContainerLogs.Sink {
    private final HttpServerResponse response;
    private volatile boolean gone;
    private volatile CompletableFuture<Void> drained = CompletableFuture.completedFuture(null);

    ResponseSink(HttpServerResponse response) {
      this.response = response;
      response.closeHandler(v -> {
        gone = true;
        drained.complete(null);
      });
      response.drainHandler(v -> drained.complete(null));
    }

    @Override
    public void write(byte[] bytes) throws InterruptedException {
      if (!response.headWritten()) response.writeHead(); // headers first: a follower sees the stream open at once
      drained = new CompletableFuture<>();
      response.write(Buffer.buffer(bytes));
      if (!response.writeQueueFull() || gone) return;
      try {
        drained.get();
      } catch (ExecutionException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public boolean gone() {
      return gone;
    }
  }
}
