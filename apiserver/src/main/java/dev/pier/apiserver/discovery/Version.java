package dev.pier.apiserver.discovery;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.meta.Json;

/**
 * The Kubernetes version Pier speaks. The installed kubectl is a dispatcher that runs the client whose
 * minor version matches {@code minor}, so this must say 32.
 */
public final class Version {
    public static final String GIT_VERSION = "v1.32.4-pier.0.1.0";

    private Version() {
    }

    public static ObjectNode document() {
        ObjectNode v = Json.object();
        v.put("major", "1");
        v.put("minor", "32");
        v.put("gitVersion", GIT_VERSION);
        v.put("gitCommit", "pier");
        v.put("gitTreeState", "clean");
        v.put("buildDate", "2026-11-22T00:00:00Z");
        v.put("goVersion", "java" + Runtime.version().feature());
        v.put("compiler", "javac");
        v.put("platform", "linux/amd64");
        return v;
    }
}
