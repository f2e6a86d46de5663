package dev.pier.controllers.runtime;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Told of every change an informer sees. Implementations only compute keys and add them to work queues:
 * they run on the informer's delivery thread, and objects they receive are shared, read-only.
 */
public interface EventHandler {
    void onAdd(String cell, ObjectNode object);

    void onUpdate(String cell, ObjectNode old, ObjectNode current);

    void onDelete(String cell, ObjectNode last);

    /** A handler that treats every change the same: {@code onChange(cell, object)} for the new (or last) state. */
    static EventHandler onChange(java.util.function.BiConsumer<String, ObjectNode> onChange) {
        return new EventHandler() {
            @Override
            public void onAdd(String cell, ObjectNode object) {
                onChange.accept(cell, object);
            }

            @Override
            public void onUpdate(String cell, ObjectNode old, ObjectNode current) {
                onChange.accept(cell, current);
            }

            @Override
            public void onDelete(String cell, ObjectNode last) {
                onChange.accept(cell, last);
            }
        };
    }
}
