package dev.pier.apiserver.resources.core;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.errors.FieldPath;
import dev.pier.apiserver.resources.Check;
import dev.pier.apiserver.resources.Formats;
import dev.pier.apiserver.resources.Tree;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Validation of one container of a pod spec (Kubernetes' validateContainers), messages as Kubernetes words them. */
final class ContainerRules {
    static final List<String> PROTOCOLS = List.of("SCTP", "TCP", "UDP");
    private static final List<String> PULL_POLICIES = List.of("Always", "IfNotPresent", "Never");
    private static final List<String> MESSAGE_POLICIES = List.of("FallbackToLogsOnError", "File");

    private ContainerRules() {
    }

    /**
     * @param names   container names seen so far in the pod (names are unique across all container lists)
     * @param volumes the pod's volume names, which volume mounts must refer to
     */
    static void validate(List<FieldError> errs, JsonNode c, FieldPath path, Set<String> names, Set<String> volumes) {
        String name = Tree.text(c, "name");
        if (name.isEmpty()) {
            errs.add(FieldError.required(path.child("name"), ""));
        } else {
            Check.invalid(errs, path.child("name"), name, Formats.dns1123Label(name));
            if (!names.add(name)) errs.add(FieldError.duplicate(path.child("name"), name));
        }
        if (Tree.text(c, "image").isEmpty()) errs.add(FieldError.required(path.child("image"), ""));
        Check.oneOf(errs, c, "imagePullPolicy", path.child("imagePullPolicy"), true, PULL_POLICIES);
        Check.oneOf(errs, c, "terminationMessagePolicy", path.child("terminationMessagePolicy"), true, MESSAGE_POLICIES);
        ports(errs, c, path.child("ports"));
        env(errs, c, path.child("env"));
        mounts(errs, c, path.child("volumeMounts"), volumes);
        if (c.get("resources") instanceof JsonNode r && r.isObject()) Resources.validateContainer(errs, r, path.child("resources"));
        for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
            if (c.get(probe) instanceof JsonNode p && p.isObject()) probe(errs, p, path.child(probe));
        }
    }

    private static void ports(List<FieldError> errs, JsonNode c, FieldPath path) {
        Set<String> portNames = new HashSet<>();
        List<JsonNode> ports = Tree.items(c, "ports");
        for (int i = 0; i < ports.size(); i++) {
            JsonNode p = ports.get(i);
            FieldPath pp = path.index(i);
            String portName = Tree.text(p, "name");
            if (!portName.isEmpty()) {
                List<String> why = Formats.portName(portName);
                if (!why.isEmpty()) Check.invalid(errs, pp.child("name"), portName, why);
                else if (!portNames.add(portName)) errs.add(FieldError.duplicate(pp.child("name"), portName));
            }
            Check.port(errs, p, "containerPort", pp.child("containerPort"));
            long hostPort = Tree.number(p, "hostPort", 0);
            if (hostPort != 0 && (hostPort < 1 || hostPort > 65535)) {
                errs.add(FieldError.invalid(pp.child("hostPort"), hostPort, Check.PORT_RANGE));
            }
            Check.oneOf(errs, p, "protocol", pp.child("protocol"), true, PROTOCOLS);
        }
    }

    private static void env(List<FieldError> errs, JsonNode c, FieldPath path) {
        List<JsonNode> env = Tree.items(c, "env");
        for (int i = 0; i < env.size(); i++) {
            String name = Tree.text(env.get(i), "name");
            FieldPath p = path.index(i).child("name");
            if (name.isEmpty()) {
                errs.add(FieldError.required(p, ""));
            } else if (name.contains("=") || !name.chars().allMatch(ch -> ch >= 32 && ch <= 126)) {
                errs.add(FieldError.invalid(p, name,
                        "a valid environment variable name must consist only of printable ASCII characters other than '='"));
            }
        }
    }

    private static void mounts(List<FieldError> errs, JsonNode c, FieldPath path, Set<String> volumes) {
        Set<String> mountPaths = new HashSet<>();
        List<JsonNode> mounts = Tree.items(c, "volumeMounts");
        for (int i = 0; i < mounts.size(); i++) {
            JsonNode m = mounts.get(i);
            FieldPath p = path.index(i);
            String name = Tree.text(m, "name");
            if (name.isEmpty()) errs.add(FieldError.required(p.child("name"), ""));
            else if (!volumes.contains(name)) errs.add(FieldError.notFound(p.child("name"), name));
            String mountPath = Tree.text(m, "mountPath");
            if (mountPath.isEmpty()) errs.add(FieldError.required(p.child("mountPath"), ""));
            else if (!mountPaths.add(mountPath)) errs.add(FieldError.invalid(p.child("mountPath"), mountPath, "must be unique"));
        }
    }

    private static void probe(List<FieldError> errs, JsonNode probe, FieldPath path) {
        for (String f : List.of("initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold")) {
            Check.nonNegative(errs, probe, f, path.child(f));
        }
        int handlers = 0;
        for (String h : List.of("exec", "httpGet", "tcpSocket", "grpc")) if (Tree.isSet(probe, h)) handlers++;
        if (handlers == 0) errs.add(FieldError.required(path, "must specify a handler type"));
        else if (handlers > 1) errs.add(FieldError.forbidden(path, "may not specify more than 1 handler type"));
        for (String h : List.of("httpGet", "tcpSocket")) {
            if (probe.get(h) instanceof JsonNode a && a.isObject()) Check.portNumberOrName(errs, a.get("port"), path.child(h).child("port"));
        }
    }
}
