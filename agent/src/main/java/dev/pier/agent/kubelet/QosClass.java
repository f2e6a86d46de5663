package dev.pier.agent.kubelet;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Map;

/** Kubernetes' quality-of-service class of a pod, from its containers' requests and limits. */
final class QosClass {
  private QosClass() {}

  static String of(Pod pod) {
    boolean any = false;
    boolean guaranteed = true;
    for (Container c : Pods.allContainers(pod)) {
      var r = c.getResources();
      Map<String, Quantity> requests = r == null || r.getRequests() == null ? Map.of() : r.getRequests();
      Map<String, Quantity> limits = r == null || r.getLimits() == null ? Map.of() : r.getLimits();
      if (!requests.isEmpty() || !limits.isEmpty()) any = true;
      for (String res : new String[] {"cpu", "memory"}) {
        Quantity limit = limits.get(res);
        Quantity request = requests.getOrDefault(res, limit);
        if (limit == null || request == null
            || Quantity.getAmountInBytes(limit).compareTo(Quantity.getAmountInBytes(request)) != 0) {
          guaranteed = false;
        }
      }
    }
    if (!any) return "BestEffort";
    return guaranteed ? "Guaranteed" : "Burstable";
  }
}
