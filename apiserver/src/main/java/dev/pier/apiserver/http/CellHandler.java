package dev.pier.apiserver.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.cell.Cell;
import dev.pier.apiserver.discovery.Discovery;
import dev.pier.apiserver.discovery.OpenApi;
import dev.pier.apiserver.discovery.Version;
import dev.pier.apiserver.errors.ApiException;

import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Serves one request on one cell: health and version (open to anyone, as Kubernetes allows), then
 * authentication, discovery, OpenAPI and resource paths.
 */
public final class CellHandler {
    private static final Set<String> HEALTH = Set.of("/healthz", "/livez", "/readyz");

    private CellHandler() {
    }

    /** Whether a path may be served without credentials. */
    public static boolean anonymousAllowed(String path) {
        return path.equals("/version") || HEALTH.contains(path) || path.startsWith("/healthz/")
                || path.startsWith("/livez/") || path.startsWith("/readyz/");
    }

    public static void handle(ApiCall call, Cell cell) {
        String path = call.path();
        if (path.equals("/version")) {
            Responses.json(call, 200, Version.document());
            return;
        }
        if (HEALTH.contains(path) || anonymousAllowed(path)) {
            call.respond(200, "text/plain; charset=utf-8", "ok".getBytes(StandardCharsets.UTF_8));
            return;
        }
        if (call.user() == null) throw ApiException.unauthorized();
        RequestInfo resource = RequestInfo.parse(path);
        if (resource == null) {
            Authorization.checkPath(call.user(), call.method(), path);
        } else {
            Authorization.checkResource(call.user(), call.method(), resource,
                    resource.legacyWatch() || ResourceHandler.isTrue(call.query("watch")));
        }
        if (!call.method().equals("GET") && (path.equals("/api") || path.equals("/apis") || path.startsWith("/openapi"))) {
            throw ApiException.methodNotAllowed(call.method(), path);
        }
        switch (path) {
            case "/api" -> discovery(call, cell, true);
            case "/apis" -> discovery(call, cell, false);
            case "/openapi/v3" -> Responses.json(call, 200, cell.openApi().index());
            case "/openapi/v2" -> {
                // JSON unless the client prefers the protobuf form (kubectl's OpenAPI v2 client asks for it)
                String accept = call.header("Accept");
                boolean protobuf = accept != null && accept.contains("protobuf")
                        && (!accept.contains("json") || accept.indexOf("protobuf") < accept.indexOf("json"));
                if (protobuf) call.respond(200, OpenApi.swaggerProtobufMediaType(), cell.openApi().swaggerProtobuf());
                else call.respond(200, Responses.JSON, cell.openApi().swagger());
            }
            default -> {
                if (path.startsWith("/openapi/v3/")) {
                    byte[] doc = cell.openApi().document(path.substring("/openapi/v3/".length()));
                    if (doc == null) throw ApiException.pathNotFound(path);
                    call.respond(200, Responses.JSON, doc);
                } else if (!resourceDiscovery(call, cell, path)) {
                    if (resource == null) throw ApiException.pathNotFound(path);
                    ResourceHandler.handle(call, cell, resource);
                }
            }
        }
    }

    private static void discovery(ApiCall call, Cell cell, boolean core) {
        Discovery d = cell.discovery();
        String aggregated = Negotiation.aggregatedDiscovery(call.header("Accept"));
        if (aggregated != null) {
            String type = aggregated.equals("v2") ? Discovery.AGGREGATED_V2 : Discovery.AGGREGATED_V2BETA1;
            Responses.json(call, 200, type, d.aggregated(core, aggregated));
        } else {
            Responses.json(call, 200, core ? d.apiVersions() : d.apiGroupList());
        }
    }

    /** {@code /api/v1}, {@code /apis/<group>}, {@code /apis/<group>/<version>}; false if the path is none of these. */
    private static boolean resourceDiscovery(ApiCall call, Cell cell, String path) {
        String[] p = path.substring(1).split("/");
        ObjectNode doc;
        if (p.length == 2 && p[0].equals("api")) {
            doc = cell.discovery().resourceList("", p[1]);
        } else if (p.length == 2 && p[0].equals("apis")) {
            doc = cell.discovery().group(p[1]);
        } else if (p.length == 3 && p[0].equals("apis")) {
            doc = cell.discovery().resourceList(p[1], p[2]);
        } else {
            return false;
        }
        if (doc == null) throw ApiException.pathNotFound(path);
        if (!call.method().equals("GET")) throw ApiException.methodNotAllowed(call.method(), path);
        Responses.json(call, 200, doc);
        return true;
    }
}
