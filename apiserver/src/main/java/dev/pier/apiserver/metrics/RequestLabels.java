package dev.pier.apiserver.metrics;

import java.util.Objects;

/**
 * The labels Kubernetes puts on {@code apiserver_request_total} and {@code apiserver_request_duration_seconds},
 * plus the cell. Values follow kube-apiserver: {@code verb} is LIST, GET, WATCH, POST, PUT, PATCH, APPLY, DELETE
 * (or {@code other}); {@code scope} is {@code resource}, {@code namespace}, {@code cluster} or "" for paths that
 * are not resources, whose path goes into {@code subresource} (e.g. {@code /apis}); {@code dryRun} is "" or
 * {@code All}. Every value must come from a bounded set: the HTTP layer maps unknown input to {@code other}.
 */
public record RequestLabels(String cell, String verb, String dryRun, String group, String version, String resource,
                            String subresource, String scope, String component) {
    /** The {@code component} of every request Pier serves. */
    public static final String APISERVER = "apiserver";

    public RequestLabels {
        Objects.requireNonNull(cell, "cell");
        Objects.requireNonNull(verb, "verb");
        Objects.requireNonNull(dryRun, "dryRun");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(subresource, "subresource");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(component, "component");
    }
}
