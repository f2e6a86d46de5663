package dev.pier.apiserver.watch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.meta.Json;

/**
 * One change as the watch cache keeps it. Objects are shared by every reader and must not be mutated.
 * The JSON line of the event is rendered once and shared by every watcher that sends it as is.
 */
public final class CacheEvent {
    private final String type;
    private final ObjectNode object;
    private final ObjectNode previous;
    private final long revision;
    private volatile byte[] jsonLine;

    /**
     * @param type     ADDED, MODIFIED or DELETED
     * @param object   the new state; for DELETED the last state with the deletion's resourceVersion
     * @param previous the state before the change (null for ADDED)
     * @param revision the store revision of the change
     */
    public CacheEvent(String type, ObjectNode object, ObjectNode previous, long revision) {
        this.type = type;
        this.object = object;
        this.previous = previous;
        this.revision = revision;
    }

    public String type() {
        return type;
    }

    public ObjectNode object() {
        return object;
    }

    public ObjectNode previous() {
        return previous;
    }

    public long revision() {
        return revision;
    }

    /** {@code {"type":..,"object":..}} and a newline, as a watch stream carries it; computed once. */
    public byte[] jsonLine() {
        byte[] line = jsonLine;
        if (line == null) {
            line = line(type, object);
            jsonLine = line;
        }
        return line;
    }

    /** Renders one watch event line. */
    public static byte[] line(String type, ObjectNode object) {
        ObjectNode e = Json.object();
        e.put("type", type);
        e.set("object", object);
        byte[] json = Json.bytes(e);
        byte[] line = new byte[json.length + 1];
        System.arraycopy(json, 0, line, 0, json.length);
        line[json.length] = '\n';
        return line;
    }
}
