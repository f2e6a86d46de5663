package dev.pier.apiserver.resources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.table.TableConvertor;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/** Cell formats several of Kubernetes' printers share: container lists, access modes, quantities. */
public final class Printing {
    private Printing() {
    }

    /** The pod spec of a workload: {@code spec.template.spec}. */
    public static JsonNode templateSpec(JsonNode workload) {
        return workload.path("spec").path("template").path("spec");
    }

    /** Container names joined with commas, as CONTAINERS columns show them. */
    public static String containerNames(JsonNode podSpec) {
        List<String> out = new ArrayList<>();
        for (JsonNode c : Tree.items(podSpec, "containers")) out.add(Tree.text(c, "name"));
        return String.join(",", out);
    }

    /** Container images joined with commas, as IMAGES columns show them. */
    public static String containerImages(JsonNode podSpec) {
        List<String> out = new ArrayList<>();
        for (JsonNode c : Tree.items(podSpec, "containers")) out.add(Tree.text(c, "image"));
        return String.join(",", out);
    }

    /** Adds the wide CONTAINERS and IMAGES columns of a kind whose pod spec {@code podSpec} finds. */
    public static TableConvertor.Builder containerColumns(TableConvertor.Builder b, Function<ObjectNode, JsonNode> podSpec) {
        return b.wide("Containers", o -> containerNames(podSpec.apply(o)))
                .wide("Images", o -> containerImages(podSpec.apply(o)));
    }

    /** Access modes in their short forms, in Kubernetes' fixed order: {@code RWO,ROX,RWX,RWOP}. */
    public static String accessModes(JsonNode modes) {
        Set<String> have = new LinkedHashSet<>();
        if (modes != null) modes.forEach(m -> have.add(m.asText()));
        List<String> out = new ArrayList<>();
        if (have.contains("ReadWriteOnce")) out.add("RWO");
        if (have.contains("ReadOnlyMany")) out.add("ROX");
        if (have.contains("ReadWriteMany")) out.add("RWX");
        if (have.contains("ReadWriteOncePod")) out.add("RWOP");
        return String.join(",", out);
    }

    /** A quantity in canonical form; "0" when missing (a zero Quantity), the raw text when malformed. */
    public static String quantity(JsonNode q) {
        if (q == null || q.isNull() || q.isMissingNode()) return "0";
        try {
            return Quantity.of(q).toString();
        } catch (IllegalArgumentException e) {
            return q.asText();
        }
    }

    /** An int-or-string value as Kubernetes prints it ({@code 25%}, {@code 1}). */
    public static String intOrString(JsonNode v) {
        return v == null || v.isMissingNode() || v.isNull() ? "" : v.asText();
    }

    /** {@code True}/{@code False} as Kubernetes prints booleans in string columns; {@code <unset>} when missing. */
    public static String boolText(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) return "<unset>";
        return v.asBoolean() ? "True" : "False";
    }
}
