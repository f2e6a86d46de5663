package dev.pier.apiserver.resources.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.errors.FieldPath;
import dev.pier.apiserver.resources.Check;
import dev.pier.apiserver.resources.Formats;
import dev.pier.apiserver.resources.Quantity;
import dev.pier.apiserver.resources.Tree;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Resource lists ({@code cpu: 500m, memory: 128Mi}) as containers, claims and quotas carry them:
 * canonical form on write (as Kubernetes stores quantities), validation of names and values, requests
 * against limits, and the pod QoS class derived from them.
 */
public final class Resources {
    private static final Set<String> CONTAINER_RESOURCES = Set.of("cpu", "memory", "ephemeral-storage");

    private Resources() {
    }

    /** Rewrites every well-formed quantity of a resource list in canonical form; malformed ones are left for validation. */
    public static void canonicalize(JsonNode list) {
        if (!(list instanceof ObjectNode o)) return;
        List<String> names = new ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        for (String name : names) canonicalizeValue(o, name);
    }

    /** Rewrites one quantity field in canonical form if it is well-formed. */
    public static void canonicalizeValue(ObjectNode holder, String field) {
        try {
            holder.put(field, Quantity.of(holder.get(field)).toString());
        } catch (IllegalArgumentException e) {
            // left as written; validation names it
        }
    }

    /** A quantity, or null after recording an Invalid error on {@code path}. */
    public static Quantity quantity(List<FieldError> errs, JsonNode value, FieldPath path) {
        try {
            return Quantity.of(value);
        } catch (IllegalArgumentException e) {
            errs.add(FieldError.invalid(path, value == null ? null : value.asText(), e.getMessage()));
            return null;
        }
    }

    /** A non-negative quantity, as every resource list value must be. */
    public static Quantity nonNegative(List<FieldError> errs, JsonNode value, FieldPath path) {
        Quantity q = quantity(errs, value, path);
        if (q != null && q.signum() < 0) {
            errs.add(FieldError.invalid(path, q.toString(), Check.NON_NEGATIVE));
            return null;
        }
        return q;
    }

    /** Kubernetes' ValidateResourceRequirements for a container's {@code resources}. */
    public static void validateContainer(List<FieldError> errs, JsonNode resources, FieldPath path) {
        Map<String, Quantity> limits = containerList(errs, resources.get("limits"), path.child("limits"));
        Map<String, Quantity> requests = containerList(errs, resources.get("requests"), path.child("requests"));
        for (Map.Entry<String, Quantity> r : requests.entrySet()) {
            Quantity limit = limits.get(r.getKey());
            if (limit == null) continue;
            if (!overcommitAllowed(r.getKey()) && r.getValue().compareTo(limit) != 0) {
                errs.add(FieldError.invalid(path.child("requests"), r.getValue().toString(),
                        "must be equal to " + r.getKey() + " limit of " + limit));
            } else if (r.getValue().compareTo(limit) > 0) {
                errs.add(FieldError.invalid(path.child("requests"), r.getValue().toString(),
                        "must be less than or equal to " + r.getKey() + " limit of " + limit));
            }
        }
    }

    private static Map<String, Quantity> containerList(List<FieldError> errs, JsonNode list, FieldPath path) {
        Map<String, Quantity> out = new HashMap<>();
        if (!(list instanceof ObjectNode o)) return out;
        for (var it = o.fields(); it.hasNext(); ) {
            var e = it.next();
            String name = e.getKey();
            FieldPath p = path.key(name);
            Check.invalid(errs, p, name, Formats.qualifiedName(name));
            if (!name.contains("/")) {
                if (!CONTAINER_RESOURCES.contains(name) && !name.startsWith("hugepages-")) {
                    errs.add(FieldError.invalid(p, name, "must be a standard resource for containers"));
                }
            }
            Quantity q = nonNegative(errs, e.getValue(), p);
            if (q == null) continue;
            if (isExtended(name) && !q.isInteger()) errs.add(FieldError.invalid(p, q.toString(), "must be an integer"));
            out.put(name, q);
        }
        return out;
    }

    /** Validates a resource list outside containers (quotas, claims, limit ranges): qualified names, values >= 0. */
    public static void validateList(List<FieldError> errs, JsonNode list, FieldPath path) {
        if (!(list instanceof ObjectNode o)) return;
        for (var it = o.fields(); it.hasNext(); ) {
            var e = it.next();
            Check.invalid(errs, path.key(e.getKey()), e.getKey(), Formats.qualifiedName(e.getKey()));
            nonNegative(errs, e.getValue(), path.key(e.getKey()));
        }
    }

    /** Only native, non-hugepages resources may be requested below their limit; extended resources must match. */
    private static boolean overcommitAllowed(String name) {
        boolean nativeResource = !name.contains("/") || name.contains("kubernetes.io/");
        return nativeResource && !name.startsWith("hugepages-");
    }

    private static boolean isExtended(String name) {
        return name.contains("/") && !name.contains("kubernetes.io/") && !name.startsWith("requests.");
    }

    /** SetDefaults_Pod: a resource with a limit and no request is requested at its limit. */
    static void requestsFromLimits(ObjectNode container) {
        if (!(container.path("resources").get("limits") instanceof ObjectNode limits) || limits.isEmpty()) return;
        ObjectNode requests = Tree.obj((ObjectNode) container.get("resources"), "requests");
        for (var it = limits.fields(); it.hasNext(); ) {
            var e = it.next();
            if (!requests.has(e.getKey())) requests.set(e.getKey(), e.getValue().deepCopy());
        }
    }

    /**
     * The QoS class Kubernetes records in {@code status.qosClass}: Guaranteed when every container limits
     * cpu and memory and requests exactly that, BestEffort when nothing requests or limits cpu or memory,
     * Burstable otherwise.
     */
    public static String qosClass(JsonNode podSpec) {
        Map<String, Quantity> requests = new HashMap<>();
        Map<String, Quantity> limits = new HashMap<>();
        boolean guaranteed = true;
        List<JsonNode> all = new ArrayList<>(Tree.items(podSpec, "containers"));
        all.addAll(Tree.items(podSpec, "initContainers"));
        for (JsonNode c : all) {
            sumPositive(c.path("resources").get("requests"), requests);
            Set<String> found = sumPositive(c.path("resources").get("limits"), limits);
            if (!found.containsAll(Set.of("cpu", "memory"))) guaranteed = false;
        }
        if (requests.isEmpty() && limits.isEmpty()) return "BestEffort";
        if (guaranteed) {
            for (Map.Entry<String, Quantity> r : requests.entrySet()) {
                if (!r.getValue().equals(limits.get(r.getKey()))) {
                    guaranteed = false;
                    break;
                }
            }
        }
        return guaranteed && requests.size() == limits.size() ? "Guaranteed" : "Burstable";
    }

    private static Set<String> sumPositive(JsonNode list, Map<String, Quantity> into) {
        Set<String> found = new java.util.HashSet<>();
        if (!(list instanceof ObjectNode o)) return found;
        for (String name : List.of("cpu", "memory")) {
            if (!o.has(name)) continue;
            try {
                Quantity q = Quantity.of(o.get(name));
                if (q.signum() > 0) {
                    found.add(name);
                    into.merge(name, q, Quantity::plus);
                }
            } catch (IllegalArgumentException e) {
                // invalid quantities fail validation before QoS matters
            }
        }
        return found;
    }
}
