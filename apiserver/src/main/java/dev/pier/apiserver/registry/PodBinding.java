package dev.pier.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.errors.FieldPath;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code pods/binding} subresource: how a scheduler assigns a pod to a node. It sets
 * {@code spec.nodeName}, which no pod update may change, and the PodScheduled condition, in one guarded
 * write; a pod already bound (or being deleted) answers 409.
 */
public final class PodBinding {
    private PodBinding() {
    }

    /**
     * @param binding a {@code v1 Binding}: {@code metadata.name} the pod, {@code target} the node
     * @return the bound pod
     */
    public static ObjectNode bind(ResourceStore pods, String namespace, String name, ObjectNode binding,
                                  WriteOptions options, Clock clock) {
        String bindingName = binding.path("metadata").path("name").asText("");
        if (!bindingName.isEmpty() && !bindingName.equals(name)) {
            throw ApiException.badRequest("the name of the binding (" + bindingName + ") does not match the pod (" + name + ")");
        }
        JsonNode target = binding.path("target");
        List<FieldError> errors = new ArrayList<>();
        FieldPath targetPath = FieldPath.root("target");
        String kind = target.path("kind").asText("");
        if (!kind.isEmpty() && !kind.equals("Node")) errors.add(FieldError.notSupported(targetPath.child("kind"), kind, List.of("Node")));
        String node = target.path("name").asText("");
        if (node.isEmpty()) errors.add(FieldError.required(targetPath.child("name"), ""));
        if (!errors.isEmpty()) throw ApiException.invalid("", "Binding", name, errors);

        return pods.guaranteedUpdate(namespace, name, "", UpdateScope.SUBRESOURCE, options, pod -> {
            String bound = pod.path("spec").path("nodeName").asText("");
            if (pod.path("metadata").hasNonNull("deletionTimestamp")) {
                throw ApiException.conflict("", "pods/binding", name, "pod " + name + " is being deleted, cannot be assigned to a host");
            }
            if (!bound.isEmpty()) {
                throw ApiException.conflict("", "pods/binding", name, "pod " + name + " is already assigned to node \"" + bound + "\"");
            }
            pod.withObject("spec").put("nodeName", node);
            setScheduled(pod.withObject("status"), clock);
            return pod;
        });
    }

    private static void setScheduled(ObjectNode status, Clock clock) {
        ArrayNode conditions = status.withArray("conditions");
        for (int i = conditions.size() - 1; i >= 0; i--) {
            if (conditions.get(i).path("type").asText().equals("PodScheduled")) conditions.remove(i);
        }
        ObjectNode c = conditions.addObject();
        c.put("type", "PodScheduled");
        c.put("status", "True");
        c.putNull("lastProbeTime");
        c.put("lastTransitionTime", Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString());
    }
}
