package dev.pier.apiserver.resources.pier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.pier.apiserver.registry.ResourceStrategy;
import dev.pier.apiserver.registry.ResourceType;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The {@code pier.dev/v1} kinds of decision 019, which only the management cell serves: Clusters, their
 * NodeGroups and the Machines behind their nodes, all cluster-scoped with a status subresource.
 */
public final class PierKinds {
    public static final String GROUP = "pier.dev";
    public static final String VERSION = "v1";
    /** On NodeGroups and Machines: the Cluster they belong to. */
    public static final String CLUSTER_LABEL = "pier.dev/cluster";
    /** On Machines: the NodeGroup they belong to. */
    public static final String NODE_GROUP_LABEL = "pier.dev/nodegroup";

    private PierKinds() {
    }

    /** The three kinds, in the order discovery lists them. */
    public static List<ResourceType> types() {
        return List.of(
                type("clusters", "Cluster", "cl", ClusterStrategy.INSTANCE),
                type("nodegroups", "NodeGroup", "ng", NodeGroupStrategy.INSTANCE),
                type("machines", "Machine", "ma", MachineStrategy.INSTANCE));
    }

    private static ResourceType type(String resource, String kind, String shortName, ResourceStrategy strategy) {
        return new ResourceType(GROUP, VERSION, resource, kind.toLowerCase(), kind, false, List.of(shortName), List.of(), strategy);
    }

    /**
     * A kind's OpenAPI v3 schema, kept beside this class as YAML ({@code cluster.schema.yaml}) so that its
     * descriptions, which {@code kubectl explain} prints, read as documentation.
     */
    static JsonNode schema(String name) {
        String file = name + ".schema.yaml";
        try (InputStream in = PierKinds.class.getResourceAsStream(file)) {
            if (in == null) throw new IllegalStateException("missing resource " + file + " next to " + PierKinds.class.getName());
            return new ObjectMapper(new YAMLFactory()).readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
