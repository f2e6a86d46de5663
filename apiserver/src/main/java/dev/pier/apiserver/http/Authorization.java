package dev.pier.apiserver.http;

import dev.pier.apiserver.auth.BootstrapToken;
import dev.pier.apiserver.auth.UserInfo;
import dev.pier.apiserver.errors.ApiException;

import java.util.Set;

/**
 * The little authorization Pier has before RBAC is enforced (a later issue): enough to make bootstrap tokens
 * safe to hand out.
 * <ul>
 *   <li>A bootstrapper ({@code system:bootstrappers}) may read discovery and OpenAPI and may create, get, list
 *       and watch CertificateSigningRequests, as Kubernetes' {@code system:node-bootstrapper} role allows;
 *       everything else is 403.</li>
 *   <li>Only {@code system:masters} may write a CertificateSigningRequest's {@code approval} and
 *       {@code status}: whoever approves decides who the cluster's CA vouches for.</li>
 * </ul>
 * Everyone else may do everything, as before.
 */
final class Authorization {
    private static final String CSR_GROUP = "certificates.k8s.io";
    private static final String CSRS = "certificatesigningrequests";
    private static final Set<String> BOOTSTRAPPER_VERBS = Set.of("create", "get", "list", "watch");

    private Authorization() {
    }

    /** Whether the user may read a path that is not a resource (discovery, OpenAPI); throws 403 otherwise. */
    static void checkPath(UserInfo user, String method, String path) {
        if (!user.inGroup(BootstrapToken.GROUP)) return;
        boolean discovery = path.equals("/api") || path.startsWith("/api/") || path.equals("/apis") || path.startsWith("/apis/")
                || path.startsWith("/openapi/");
        if (!discovery || !method.equals("GET")) {
            throw ApiException.forbidden("forbidden: User \"" + user.name() + "\" cannot " + method.toLowerCase(java.util.Locale.ROOT)
                    + " path \"" + path + "\"");
        }
    }

    /** Whether the user may do this request on a resource; throws 403 otherwise. */
    static void checkResource(UserInfo user, String method, RequestInfo info, boolean watch) {
        String verb = verb(method, info, watch);
        boolean csrs = info.group().equals(CSR_GROUP) && info.resource().equals(CSRS);
        if (user.inGroup(BootstrapToken.GROUP)) {
            if (csrs && info.subresource().isEmpty() && BOOTSTRAPPER_VERBS.contains(verb)) return;
            throw refused(user, verb, info);
        }
        boolean decides = csrs && (info.subresource().equals("approval") || info.subresource().equals("status"));
        if (decides && !verb.equals("get") && !user.inGroup(UserInfo.MASTERS)) throw refused(user, verb, info);
    }

    private static ApiException refused(UserInfo user, String verb, RequestInfo info) {
        String resource = info.subresource().isEmpty() ? info.resource() : info.resource() + "/" + info.subresource();
        String scope = info.namespace().isEmpty() ? "at the cluster scope" : "in the namespace \"" + info.namespace() + "\"";
        return ApiException.forbidden(info.group(), info.resource(), info.name(), "User \"" + user.name() + "\" cannot " + verb
                + " resource \"" + resource + "\" in API group \"" + info.group() + "\" " + scope);
    }

    /** Kubernetes' verb of a request (RequestInfoFactory). */
    static String verb(String method, RequestInfo info, boolean watch) {
        boolean collection = info.name().isEmpty();
        return switch (method) {
            case "GET", "HEAD" -> watch ? "watch" : collection ? "list" : "get";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> collection ? "deletecollection" : "delete";
            default -> method.toLowerCase(java.util.Locale.ROOT);
        };
    }
}
