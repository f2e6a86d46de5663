package dev.pier.apiserver.auth;

import java.util.List;

/** Who made a request: a user name and the groups it belongs to (as Kubernetes' user.Info). */
public record UserInfo(String name, List<String> groups) {
    public UserInfo {
        groups = List.copyOf(groups);
    }
}
