package dev.pier.agent.kubelet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's writes about pods: their status (only when it changed, as a merge patch of the
 * status subresource guarded by the pod's uid, so a pod recreated under the same name is never
 * given another's status) and their final deletion once stopped.
 */
final class PodApi {
  private static final Logger log = LoggerFactory.getLogger(PodApi.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KubernetesClient client;
  /** What was last written per pod uid: the informer may not show it yet. */
  private final Map<String, JsonNode> written = new ConcurrentHashMap<>();

  PodApi(KubernetesClient client) {
    this.client = client;
  }

  KubernetesClient client() {
    return client;
  }

  void writeStatus(Pod pod, PodStatus status) {
    String uid = pod.getMetadata().getUid();
    JsonNode next = JSON.valueToTree(status);
    JsonNode current = pod.getStatus() == null ? null : JSON.valueToTree(pod.getStatus());
    if (next.equals(current) || next.equals(written.get(uid))) return;
    ObjectNode patch = JSON.createObjectNode();
    patch.putObject("metadata").put("uid", uid);
    patch.set("status", next);
    try {
      client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
          .subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString());
      written.put(uid, next);
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404 || e.getCode() == 409) return;  // gone or replaced: nothing to report on
      log.warn("cannot write the status of pod {}: {}", Pods.fullName(pod), e.getMessage());
    }
  }

  /** Deletes the stopped pod with a zero grace period; false when it was already gone. */
  boolean deleteForGood(Pod pod) {
    var ref = client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName());
    try {
      Pod current = ref.get();
      if (current == null || !pod.getMetadata().getUid().equals(current.getMetadata().getUid())) return false;
      ref.withGracePeriod(0).delete();
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) return false;
      log.warn("cannot delete pod {}: {}", Pods.fullName(pod), e.getMessage());
      return false;
    } finally {
      written.remove(pod.getMetadata().getUid());
    }
  }

  void forget(String uid) {
    written.remove(uid);
  }
}
