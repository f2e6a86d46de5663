package dev.pier.apiserver.nks;

import dev.pier.apiserver.auth.UserInfo;
import dev.pier.apiserver.cell.Cells;
import dev.pier.apiserver.client.LocalClient;
import dev.pier.apiserver.http.ApiCall;
import dev.pier.apiserver.meta.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NKS-shaped REST API under {@code /v1} (docs/api.md): a second view of the management cell's Cluster,
 * NodeGroup and Machine objects (decision 019). Requests are authenticated as the management cell's are (the
 * front end has done it), and only {@code system:masters} may use the API until there is RBAC. Every answer,
 * errors included, is in the NKS shape; each request is logged with who made it and the status.
 */
public final class NksApi {
    private static final Logger LOG = LoggerFactory.getLogger(NksApi.class);
    private static final String PREFIX = "/v1";
    /** The field manager of the API's writes, as kubectl shows it in managedFields. */
    static final String FIELD_MANAGER = "pier-nks-api";

    private final Routes routes;

    public NksApi(Cells cells) {
        PierObjects objects = new PierObjects(new LocalClient(cells, FIELD_MANAGER));
        ClusterHandler clusters = new ClusterHandler(objects);
        NodeGroupHandler nodeGroups = new NodeGroupHandler(objects);
        ResizeHandler resize = new ResizeHandler(objects);
        KubeconfigHandler kubeconfig = new KubeconfigHandler(objects, cells);
        EventsHandler events = new EventsHandler(objects);
        CertificateRotationHandler rotation = new CertificateRotationHandler(objects);
        this.routes = new Routes()
                .add("GET", "supports", new SupportsHandler()::supports)
                .add("GET", "clusters", clusters::list)
                .add("POST", "clusters", clusters::create)
                .add("GET", "clusters/{id}", clusters::get)
                .add("PATCH", "clusters/{id}", clusters::patch)
                .add("DELETE", "clusters/{id}", clusters::delete)
                .add("GET", "clusters/{id}/nodegroups", nodeGroups::list)
                .add("POST", "clusters/{id}/nodegroups", nodeGroups::create)
                .add("GET", "clusters/{id}/nodegroups/{ng}", nodeGroups::get)
                .add("PATCH", "clusters/{id}/nodegroups/{ng}", nodeGroups::patch)
                .add("DELETE", "clusters/{id}/nodegroups/{ng}", nodeGroups::delete)
                .add("POST", "clusters/{id}/actions/resize", resize::resize)
                .add("POST", "clusters/{id}/actions/rotate_certificates", rotation::rotate)
                .add("GET", "clusters/{id}/config", kubeconfig::kubeconfig)
                .add("GET", "clusters/{id}/events", events::events);
    }

    /** Whether a path of the management cell is this API's. */
    public static boolean serves(String path) {
        return path.equals(PREFIX) || path.startsWith(PREFIX + "/");
    }

    /** Answers the request, errors included; the call's user is null when no credentials were recognized. */
    public void serve(ApiCall call) {
        long started = System.nanoTime();
        UserInfo user = call.user();
        Reply reply;
        try {
            if (user == null) throw NksException.unauthorized();
            if (!user.inGroup(UserInfo.MASTERS)) throw NksException.forbidden(user.name());
            String below = call.path().length() <= PREFIX.length() ? "" : call.path().substring(PREFIX.length() + 1);
            reply = routes.dispatch(call, call.method(), below);
        } catch (NksException e) {
            reply = Reply.json(e.status(), e.toJson());
        } catch (RuntimeException e) {
            // a bug or a failure of storage: logged with its stack trace, answered without it
            LOG.error("{} {} failed", call.method(), call.path(), e);
            reply = Reply.json(500, NksException.internal(e.getClass().getSimpleName()).toJson());
        }
        reply.headers().forEach(call::header);
        call.respond(reply.status(), reply.contentType(), reply.body());
        LOG.info("{} {} by {}: {} in {} ms", call.method(), call.path(), user == null ? "anonymous" : user.name(), reply.status(),
                (System.nanoTime() - started) / 1_000_000);
    }
}
