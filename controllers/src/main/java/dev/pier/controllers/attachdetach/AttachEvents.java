package dev.pier.controllers.attachdetach;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pier.controllers.runtime.EventRecorder;

import java.util.List;

/** The Events the attach/detach controller records on pods, worded as Kubernetes words them. */
final class AttachEvents {
    static final String COMPONENT = "attachdetach-controller";
    static final String SUCCESSFUL_ATTACH = "SuccessfulAttachVolume";
    static final String FAILED_ATTACH = "FailedAttachVolume";

    private final EventRecorder recorder;

    AttachEvents(EventRecorder recorder) {
        this.recorder = recorder;
    }

    void attached(String cell, List<? extends JsonNode> pods, String pv) {
        for (JsonNode pod : pods) {
            recorder.normal(cell, pod, COMPONENT, SUCCESSFUL_ATTACH, "AttachVolume.Attach succeeded for volume \"" + pv + "\"");
        }
    }

    void attachFailed(String cell, List<? extends JsonNode> pods, String pv, String error) {
        for (JsonNode pod : pods) {
            recorder.warning(cell, pod, COMPONENT, FAILED_ATTACH, attachFailedMessage(pv, error));
        }
    }

    void multiAttach(String cell, JsonNode pod, String message) {
        recorder.warning(cell, pod, COMPONENT, FAILED_ATTACH, message);
    }

    static String attachFailedMessage(String pv, String error) {
        return "AttachVolume.Attach failed for volume \"" + pv + "\" : " + error;
    }

    /**
     * Why a ReadWriteOnce volume is not attached to a second node. Kubernetes names the pods that hold it
     * when there are any; they share the claim, hence the namespace, of the pod told. Without such pods
     * (they are gone, the volume is still detaching) it says only that the volume is taken.
     */
    static String multiAttachMessage(String pv, List<String> holders) {
        String why = holders.isEmpty()
                ? "Volume is already exclusively attached to one node and can't be attached to another"
                : "Volume is already used by pod(s) " + String.join(", ", holders);
        return "Multi-Attach error for volume \"" + pv + "\" " + why;
    }
}
