package dev.pier.apiserver.table;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.function.Function;

/**
 * One column of {@code kubectl get}: its definition (name, type, format, priority; priority above 0
 * shows only with {@code -o wide}) and how to compute its cell from an object.
 */
public record Column(String name, String type, String format, String description, int priority,
                     Function<ObjectNode, Object> cell) {
}
