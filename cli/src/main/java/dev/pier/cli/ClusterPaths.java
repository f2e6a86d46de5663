package dev.pier.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** The paths of the cluster API; names are encoded, so a stray character is the server's 404, not another path. */
final class ClusterPaths {
    static final String CLUSTERS = "/v1/clusters";

    private ClusterPaths() {
    }

    static String cluster(String name) {
        return CLUSTERS + "/" + encode(name);
    }

    static String nodeGroups(String cluster) {
        return cluster(cluster) + "/nodegroups";
    }

    static String nodeGroup(String cluster, String name) {
        return nodeGroups(cluster) + "/" + encode(name);
    }

    static String resize(String cluster) {
        return cluster(cluster) + "/actions/resize";
    }

    static String config(String cluster) {
        return cluster(cluster) + "/config";
    }

    static String events(String cluster) {
        return cluster(cluster) + "/events";
    }

    private static String encode(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
