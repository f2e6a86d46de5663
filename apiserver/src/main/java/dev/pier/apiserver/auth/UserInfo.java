package dev.pier.apiserver.auth;

import java.util.List;
import java.util.Map;

/**
 * Who made a request, as Kubernetes' user.Info: a user name, a uid ("" when the authenticator knows none),
 * the groups it belongs to, and extra attributes.
 */
public record UserInfo(String name, String uid, List<String> groups, Map<String, List<String>> extra) {
    public static final String AUTHENTICATED = "system:authenticated";
    public static final String MASTERS = "system:masters";

    public UserInfo {
        uid = uid == null ? "" : uid;
        groups = List.copyOf(groups);
        extra = Map.copyOf(extra);
    }

    public UserInfo(String name, List<String> groups) {
        this(name, "", groups, Map.of());
    }

    public boolean inGroup(String group) {
        return groups.contains(group);
    }
}
