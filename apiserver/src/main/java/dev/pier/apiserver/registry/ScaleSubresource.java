package dev.pier.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.function.Function;

/**
 * Where a kind keeps its replica count, for the {@code scale} subresource ({@code kubectl scale}, autoscalers):
 * the desired and observed replicas as dotted paths (e.g. {@code .spec.replicas}) and how to render the
 * label selector of the pods it controls.
 */
public record ScaleSubresource(String specReplicasPath, String statusReplicasPath, Function<ObjectNode, String> selector) {

    /** Reads an integer at a dotted path; 0 when missing. */
    public static int read(JsonNode object, String dottedPath) {
        JsonNode n = object;
        for (String part : segments(dottedPath)) n = n.path(part);
        return n.asInt(0);
    }

    /** Writes an integer at a dotted path, creating the objects on the way. */
    public static void write(ObjectNode object, String dottedPath, int value) {
        String[] parts = segments(dottedPath);
        ObjectNode n = object;
        for (int i = 0; i < parts.length - 1; i++) n = n.withObject(parts[i]);
        n.put(parts[parts.length - 1], value);
    }

    /** The string at a dotted path, or "" (custom resources name a string field for their selector). */
    public static String text(JsonNode object, String dottedPath) {
        if (dottedPath == null || dottedPath.isEmpty()) return "";
        JsonNode n = object;
        for (String part : segments(dottedPath)) n = n.path(part);
        return n.isTextual() ? n.asText() : "";
    }

    private static String[] segments(String dottedPath) {
        String p = dottedPath.startsWith(".") ? dottedPath.substring(1) : dottedPath;
        if (p.isEmpty()) throw new IllegalArgumentException("empty path");
        return p.split("\\.");
    }
}
