package dev.pier.apiserver;

import dev.pier.apiserver.cell.Cell;
import dev.pier.apiserver.cell.Cells;
import dev.pier.apiserver.http.HttpFrontEnd;
import dev.pier.apiserver.metrics.Metrics;
import dev.pier.pki.IssuedCertificate;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;

import java.util.List;

/**
 * The Kubernetes API over HTTPS for every cell this server hosts: the management cell at {@code /},
 * tenant cells at {@code /clusters/<name>}. Start with {@link #start}; close to stop.
 */
public final class ApiServer implements AutoCloseable {
    private final Vertx vertx;
    private final HttpServer server;
    private final Cells cells;

    private ApiServer(Vertx vertx, HttpServer server, Cells cells) {
        this.vertx = vertx;
        this.server = server;
        this.cells = cells;
    }

    /** As {@link #start(Cells, Metrics, String, int, IssuedCertificate, List)} with metrics of its own. */
    public static ApiServer start(Cells cells, String host, int port, IssuedCertificate serving,
                                  List<java.security.cert.X509Certificate> chain) {
        return start(cells, Metrics.create(), host, port, serving, chain);
    }

    /**
     * Binds and starts serving; returns once the port is open.
     *
     * @param metrics where requests are recorded, and what {@code /metrics} serves
     * @param host    address to bind, e.g. 0.0.0.0 or 127.0.0.1
     * @param port    0 for any free port
     * @param serving the server's certificate (SANs must match the URLs clients use)
     * @param chain   certificates to send after it (the issuing CA)
     */
    public static ApiServer start(Cells cells, Metrics metrics, String host, int port, IssuedCertificate serving,
                                  List<java.security.cert.X509Certificate> chain) {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Math.max(2, Runtime.getRuntime().availableProcessors()))
                .setBlockedThreadCheckInterval(10_000));
        try {
            HttpServer server = HttpFrontEnd.listen(vertx, cells, metrics, host, port, serving, chain);
            return new ApiServer(vertx, server, cells);
        } catch (RuntimeException e) {
            vertx.close();
            throw e;
        }
    }

    public int port() {
        return server.actualPort();
    }

    public Cells cells() {
        return cells;
    }

    public Cell management() {
        return cells.management();
    }

    @Override
    public void close() {
        server.close().toCompletionStage().toCompletableFuture().join();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
