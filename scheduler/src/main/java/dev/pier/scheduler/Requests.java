package dev.pier.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pier.apiserver.resources.Quantity;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;

/**
 * Resource amounts as the scheduler counts them: cpu in millicores, everything else in its base unit.
 * A pod's request is the larger of its containers' sum and its largest init container, plus overhead
 * (Kubernetes' effective request).
 */
final class Requests {
    static final String CPU = "cpu";
    static final String MEMORY = "memory";
    static final String PODS = "pods";
    /** What scoring assumes for a container that requests nothing, as Kubernetes does (100m, 200Mi). */
    static final long DEFAULT_MILLI_CPU = 100;
    static final long DEFAULT_MEMORY = 200L * 1024 * 1024;

    private Requests() {
    }

    static long amount(String resource, JsonNode quantity) {
        BigDecimal v = Quantity.parse(quantity.asText()).value();
        if (resource.equals(CPU)) v = v.multiply(BigDecimal.valueOf(1000));
        return v.setScale(0, java.math.RoundingMode.CEILING).longValueExact();
    }

    static Map<String, Long> of(JsonNode resourceList) {
        Map<String, Long> out = new HashMap<>();
        resourceList.properties().forEach(e -> out.put(e.getKey(), amount(e.getKey(), e.getValue())));
        return out;
    }

    /** The pod's effective requests. */
    static Map<String, Long> ofPod(JsonNode pod) {
        JsonNode spec = pod.path("spec");
        Map<String, Long> sum = new HashMap<>();
        for (JsonNode c : spec.path("containers")) of(c.path("resources").path("requests")).forEach((k, v) -> sum.merge(k, v, Long::sum));
        for (JsonNode c : spec.path("initContainers")) {
            of(c.path("resources").path("requests")).forEach((k, v) -> sum.merge(k, v, Math::max));
        }
        of(spec.path("overhead")).forEach((k, v) -> sum.merge(k, v, Long::sum));
        return sum;
    }

    /** cpu and memory for scoring: a container without a request counts as the defaults. */
    static long[] forScoring(JsonNode pod) {
        long cpu = 0, memory = 0;
        for (JsonNode c : pod.path("spec").path("containers")) {
            JsonNode r = c.path("resources").path("requests");
            cpu += r.has(CPU) ? amount(CPU, r.get(CPU)) : DEFAULT_MILLI_CPU;
            memory += r.has(MEMORY) ? amount(MEMORY, r.get(MEMORY)) : DEFAULT_MEMORY;
        }
        return new long[]{cpu, memory};
    }
}
