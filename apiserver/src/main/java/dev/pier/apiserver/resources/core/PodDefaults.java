package dev.pier.apiserver.resources.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.resources.Tree;

import java.util.List;
import java.util.Set;

/**
 * Defaults of pod specs, split the way Kubernetes splits them: {@link #podSpec} is what every pod spec
 * gets, in pods and in workload templates alike (SetDefaults_PodSpec, _Container, _Volume ...);
 * {@link #podOnly} is what only a Pod object gets (SetDefaults_Pod, plus what the ServiceAccount, Priority
 * and DefaultTolerationSeconds admission plugins add on create), which is why a Deployment's template
 * shows no {@code enableServiceLinks} while its pods do.
 */
public final class PodDefaults {
    private static final Set<String> MODE_420_SOURCES = Set.of("secret", "configMap", "downwardAPI", "projected");
    private static final List<String> PROBES = List.of("livenessProbe", "readinessProbe", "startupProbe");

    private PodDefaults() {
    }

    /** Defaults of a workload's pod template: its spec, and the {@code creationTimestamp: null} Kubernetes 1.32 prints. */
    public static void template(ObjectNode template) {
        ObjectNode meta = Tree.obj(template, "metadata");
        if (!meta.has("creationTimestamp")) meta.putNull("creationTimestamp");
        podSpec(Tree.obj(template, "spec"));
    }

    /** SetDefaults_PodSpec and the defaults of everything inside a pod spec. */
    public static void podSpec(ObjectNode spec) {
        Tree.defaultText(spec, "dnsPolicy", "ClusterFirst");
        Tree.defaultText(spec, "restartPolicy", "Always");
        Tree.defaultObject(spec, "securityContext");
        Tree.defaultNumber(spec, "terminationGracePeriodSeconds", 30);
        Tree.defaultText(spec, "schedulerName", "default-scheduler");
        for (String list : List.of("initContainers", "containers", "ephemeralContainers")) {
            for (ObjectNode c : Tree.objects(spec, list)) container(c);
        }
        for (ObjectNode v : Tree.objects(spec, "volumes")) volume(v);
    }

    private static void container(ObjectNode c) {
        Tree.defaultText(c, "terminationMessagePath", "/dev/termination-log");
        Tree.defaultText(c, "terminationMessagePolicy", "File");
        Tree.defaultText(c, "imagePullPolicy", pullPolicy(Tree.text(c, "image")));
        // resources is a struct, not a pointer, in Kubernetes' types: it always reads back, at least as {}
        Tree.defaultObject(c, "resources");
        for (String r : List.of("limits", "requests")) Resources.canonicalize(c.path("resources").get(r));
        for (ObjectNode p : Tree.objects(c, "ports")) Tree.defaultText(p, "protocol", "TCP");
        for (ObjectNode e : Tree.objects(c, "env")) fieldRef(e.path("valueFrom"));
        for (String probe : PROBES) {
            if (c.get(probe) instanceof ObjectNode p) probe(p);
        }
        if (c.get("lifecycle") instanceof ObjectNode l) {
            for (String hook : List.of("postStart", "preStop")) handler(l.get(hook));
        }
    }

    /**
     * Always for images without a tag or tagged {@code latest} (the tag may move), IfNotPresent for any
     * other tag or a digest (the content is fixed).
     */
    static String pullPolicy(String image) {
        if (image.contains("@")) return "IfNotPresent";
        String last = image.substring(image.lastIndexOf('/') + 1);
        int colon = last.lastIndexOf(':');
        if (colon < 0) return "Always";
        return last.substring(colon + 1).equals("latest") ? "Always" : "IfNotPresent";
    }

    private static void probe(ObjectNode p) {
        Tree.defaultNumber(p, "timeoutSeconds", 1);
        Tree.defaultNumber(p, "periodSeconds", 10);
        Tree.defaultNumber(p, "successThreshold", 1);
        Tree.defaultNumber(p, "failureThreshold", 3);
        handler(p);
    }

    private static void handler(JsonNode h) {
        if (h != null && h.get("httpGet") instanceof ObjectNode get) {
            Tree.defaultText(get, "path", "/");
            Tree.defaultText(get, "scheme", "HTTP");
        }
    }

    private static void fieldRef(JsonNode holder) {
        if (holder.get("fieldRef") instanceof ObjectNode ref) Tree.defaultText(ref, "apiVersion", "v1");
    }

    private static void volume(ObjectNode v) {
        // A volume with no source at all is an emptyDir.
        boolean hasSource = false;
        for (var it = v.fieldNames(); it.hasNext(); ) if (!it.next().equals("name")) hasSource = true;
        if (!hasSource) v.putObject("emptyDir");
        for (String source : MODE_420_SOURCES) {
            if (v.get(source) instanceof ObjectNode s) Tree.defaultNumber(s, "defaultMode", 420);
        }
        if (v.get("hostPath") instanceof ObjectNode hp && !hp.has("type")) hp.put("type", "");
        if (v.get("emptyDir") instanceof ObjectNode ed && ed.has("sizeLimit")) Resources.canonicalizeValue(ed, "sizeLimit");
        if (v.get("downwardAPI") instanceof ObjectNode d) {
            for (ObjectNode item : Tree.objects(d, "items")) fieldRef(item);
        }
        if (v.get("projected") instanceof ObjectNode p) {
            for (ObjectNode source : Tree.objects(p, "sources")) {
                if (source.get("serviceAccountToken") instanceof ObjectNode t) Tree.defaultNumber(t, "expirationSeconds", 3600);
                if (source.get("downwardAPI") instanceof ObjectNode d) {
                    for (ObjectNode item : Tree.objects(d, "items")) fieldRef(item);
                }
            }
        }
        if (v.path("ephemeral").path("volumeClaimTemplate").get("spec") instanceof ObjectNode claim) {
            Tree.defaultText(claim, "volumeMode", "Filesystem");
        }
    }

    /**
     * What a Pod gets beyond its spec defaults. {@code create} adds what admission adds on create only: the
     * {@code default} service account, priority 0 and the two NoExecute tolerations of 300 seconds.
     */
    public static void podOnly(ObjectNode pod, boolean create) {
        ObjectNode spec = Tree.obj(pod, "spec");
        for (String list : List.of("initContainers", "containers")) {
            for (ObjectNode c : Tree.objects(spec, list)) Resources.requestsFromLimits(c);
        }
        Tree.defaultBool(spec, "enableServiceLinks", true);
        if (Tree.bool(spec, "hostNetwork")) {
            for (String list : List.of("initContainers", "containers")) {
                for (ObjectNode c : Tree.objects(spec, list)) {
                    for (ObjectNode p : Tree.objects(c, "ports")) {
                        if (Tree.number(p, "hostPort", 0) == 0 && p.has("containerPort")) p.set("hostPort", p.get("containerPort"));
                    }
                }
            }
        }
        // serviceAccount is the deprecated spelling of serviceAccountName; v1 keeps both in step.
        if (Tree.text(spec, "serviceAccountName").isEmpty() && !Tree.text(spec, "serviceAccount").isEmpty()) {
            spec.put("serviceAccountName", Tree.text(spec, "serviceAccount"));
        }
        if (!create) {
            if (!Tree.text(spec, "serviceAccountName").isEmpty()) spec.put("serviceAccount", Tree.text(spec, "serviceAccountName"));
            return;
        }
        Tree.defaultText(spec, "serviceAccountName", "default");
        spec.put("serviceAccount", Tree.text(spec, "serviceAccountName"));
        if (Tree.text(spec, "priorityClassName").isEmpty()) Tree.defaultNumber(spec, "priority", 0);
        Tree.defaultText(spec, "preemptionPolicy", "PreemptLowerPriority");
        defaultTolerations(spec);
    }

    private static void defaultTolerations(ObjectNode spec) {
        boolean notReady = false;
        boolean unreachable = false;
        for (ObjectNode t : Tree.objects(spec, "tolerations")) {
            String key = Tree.text(t, "key");
            String effect = Tree.text(t, "effect");
            boolean noExecute = effect.isEmpty() || effect.equals("NoExecute");
            if (noExecute && (key.isEmpty() || key.equals("node.kubernetes.io/not-ready"))) notReady = true;
            if (noExecute && (key.isEmpty() || key.equals("node.kubernetes.io/unreachable"))) unreachable = true;
        }
        if (!notReady) toleration(spec, "node.kubernetes.io/not-ready");
        if (!unreachable) toleration(spec, "node.kubernetes.io/unreachable");
    }

    private static void toleration(ObjectNode spec, String key) {
        ArrayNode list = spec.get("tolerations") instanceof ArrayNode a ? a : spec.putArray("tolerations");
        ObjectNode t = list.addObject();
        t.put("key", key);
        t.put("operator", "Exists");
        t.put("effect", "NoExecute");
        t.put("tolerationSeconds", 300);
    }
}
