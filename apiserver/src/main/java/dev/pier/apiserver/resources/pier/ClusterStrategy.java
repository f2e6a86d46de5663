package dev.pier.apiserver.resources.pier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.errors.FieldPath;
import dev.pier.apiserver.registry.NameRule;
import dev.pier.apiserver.registry.ResourceStrategy;
import dev.pier.apiserver.resources.Check;
import dev.pier.apiserver.resources.Formats;
import dev.pier.apiserver.resources.KindStrategy;
import dev.pier.apiserver.resources.Tree;
import dev.pier.apiserver.table.TableConvertor;

import java.util.ArrayList;
import java.util.List;

/**
 * Clusters (decision 019): named as NKS names them, defaulted to the one supported Kubernetes version and
 * the usual pod and service ranges; the network and the version are fixed once created.
 */
public final class ClusterStrategy {
    public static final List<String> KUBERNETES_VERSIONS = List.of("v1.32");
    public static final String DEFAULT_POD_CIDR = "10.244.0.0/16";
    public static final String DEFAULT_SERVICE_CIDR = "10.96.0.0/12";
    public static final int DEFAULT_POD_SUBNET_SIZE = 24;
    /** The longest pod subnet prefix: a node's /28 holds 14 pods. */
    static final int MAX_POD_SUBNET_SIZE = 28;
    /** The fewest node subnets a pod range must hold, so that a cluster can grow past a handful of nodes. */
    static final int MIN_NODE_SUBNETS = 16;

    private static final FieldPath SPEC = FieldPath.root("spec");
    private static final FieldPath NETWORK = SPEC.child("network");

    public static final ResourceStrategy INSTANCE = KindStrategy.builder()
            .withStatus()
            .names(NameRule.CLUSTER)
            .schema(PierKinds.schema("cluster"))
            .defaults(ClusterStrategy::defaults)
            .validator(ClusterStrategy::validate)
            .updateValidator(ClusterStrategy::validateUpdate)
            .table(TableConvertor.builder()
                    .column("Phase", o -> Tree.text(o.path("status"), "phase"))
                    .column("Version", o -> Tree.text(o.path("spec"), "kubernetesVersion"))
                    .column("Nodes", o -> Columns.nodes(o.path("status").path("nodes")))
                    .column("Endpoint", o -> Columns.orNone(Tree.text(o.path("status"), "apiEndpoint")))
                    .age()
                    .build())
            .fieldSelector("status.phase", o -> Tree.text(o.path("status"), "phase"))
            .build();

    private ClusterStrategy() {
    }

    private static void defaults(ObjectNode cluster) {
        ObjectNode spec = Tree.obj(cluster, "spec");
        Tree.defaultText(spec, "kubernetesVersion", KUBERNETES_VERSIONS.getFirst());
        ObjectNode network = Tree.obj(spec, "network");
        Tree.defaultText(network, "podCidr", DEFAULT_POD_CIDR);
        Tree.defaultText(network, "serviceCidr", DEFAULT_SERVICE_CIDR);
        Tree.defaultNumber(network, "podSubnetSize", DEFAULT_POD_SUBNET_SIZE);
        Tree.defaultText(network, "clusterDomain", "cluster.local");
        Tree.defaultNumber(Tree.obj(spec, "controlPlane"), "replicas", 1);
        NodeGroupFields.defaults(Tree.obj(spec, "defaultNodeGroup"), 0);
    }

    private static List<FieldError> validate(ObjectNode cluster) {
        List<FieldError> errs = new ArrayList<>();
        JsonNode spec = cluster.path("spec");
        Check.oneOf(errs, spec, "kubernetesVersion", SPEC.child("kubernetesVersion"), true, KUBERNETES_VERSIONS);
        network(errs, spec.path("network"));
        long replicas = Tree.number(spec.path("controlPlane"), "replicas", 1);
        if (replicas < 1) errs.add(FieldError.invalid(SPEC.child("controlPlane").child("replicas"), replicas, "must be at least 1"));
        NodeGroupFields.validate(errs, spec.path("defaultNodeGroup"), SPEC.child("defaultNodeGroup"));
        return errs;
    }

    private static void network(List<FieldError> errs, JsonNode network) {
        Ipv4Cidr pods = range(errs, network, "podCidr");
        Ipv4Cidr services = range(errs, network, "serviceCidr");
        if (pods != null && services != null && pods.overlaps(services)) {
            errs.add(FieldError.invalid(NETWORK.child("serviceCidr"), services.toString(),
                    "must not overlap spec.network.podCidr (" + pods + ")"));
        }
        if (pods != null) podSubnetSize(errs, pods, Tree.number(network, "podSubnetSize", DEFAULT_POD_SUBNET_SIZE));
        String domain = Tree.text(network, "clusterDomain");
        if (domain.isEmpty()) errs.add(FieldError.required(NETWORK.child("clusterDomain"), ""));
        else Check.invalid(errs, NETWORK.child("clusterDomain"), domain, Formats.dns1123Subdomain(domain));
    }

    /** A required range that leaves the node's own link-local and loopback addresses alone; null when invalid. */
    private static Ipv4Cidr range(List<FieldError> errs, JsonNode network, String field) {
        FieldPath path = NETWORK.child(field);
        String text = Tree.text(network, field);
        if (text.isEmpty()) {
            errs.add(FieldError.required(path, ""));
            return null;
        }
        String why = Ipv4Cidr.problem(text);
        if (why != null) {
            errs.add(FieldError.invalid(path, text, why));
            return null;
        }
        Ipv4Cidr cidr = Ipv4Cidr.parse(text);
        for (Ipv4Cidr reserved : List.of(Ipv4Cidr.LINK_LOCAL, Ipv4Cidr.LOOPBACK)) {
            if (cidr.overlaps(reserved)) {
                errs.add(FieldError.invalid(path, text, "must not overlap " + reserved + ", which nodes use themselves"));
                return null;
            }
        }
        return cidr;
    }

    /** Each node gets a /podSubnetSize of the pod range; the range must hold {@link #MIN_NODE_SUBNETS} of them. */
    private static void podSubnetSize(List<FieldError> errs, Ipv4Cidr pods, long size) {
        FieldPath path = NETWORK.child("podSubnetSize");
        int widestSubnets = MAX_POD_SUBNET_SIZE - Integer.numberOfTrailingZeros(MIN_NODE_SUBNETS);
        if (pods.prefix() > widestSubnets) {
            errs.add(FieldError.invalid(NETWORK.child("podCidr"), pods.toString(), "is too small: the pod CIDR must hold at least "
                    + MIN_NODE_SUBNETS + " node subnets of at most /" + MAX_POD_SUBNET_SIZE + ", so it must be a /" + widestSubnets + " or larger"));
        } else if (size <= pods.prefix() || size > MAX_POD_SUBNET_SIZE) {
            errs.add(FieldError.invalid(path, size, "must be between " + (pods.prefix() + 1) + " and " + MAX_POD_SUBNET_SIZE
                    + ": longer than the pod CIDR's prefix (/" + pods.prefix() + ") and at most /" + MAX_POD_SUBNET_SIZE));
        } else if (pods.subnets((int) size) < MIN_NODE_SUBNETS) {
            errs.add(FieldError.invalid(path, size, "leaves room for only " + pods.subnets((int) size) + " nodes in " + pods
                    + ": the pod CIDR must hold at least " + MIN_NODE_SUBNETS + " node subnets; use a podSubnetSize of at least "
                    + (pods.prefix() + Integer.numberOfTrailingZeros(MIN_NODE_SUBNETS)) + " or a larger pod CIDR"));
        }
    }

    private static List<FieldError> validateUpdate(ObjectNode cluster, ObjectNode old) {
        List<FieldError> errs = new ArrayList<>();
        JsonNode spec = cluster.path("spec");
        JsonNode before = old.path("spec");
        Check.immutable(errs, spec.get("network"), before.get("network"), NETWORK);
        if (!Tree.same(spec.get("kubernetesVersion"), before.get("kubernetesVersion"))) {
            errs.add(FieldError.invalid(SPEC.child("kubernetesVersion"), Tree.text(spec, "kubernetesVersion"),
                    Check.IMMUTABLE + ": upgrades are not supported yet"));
        }
        return errs;
    }
}
