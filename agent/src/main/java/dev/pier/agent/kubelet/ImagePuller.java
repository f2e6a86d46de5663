package dev.pier.agent.kubelet;

import dev.pier.agent.cri.CriClient;
import dev.pier.agent.cri.CriException;
import dev.pier.agent.cri.ImageInfo;
import dev.pier.agent.cri.RegistryAuth;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Makes a container's image present as its {@code imagePullPolicy} says, through the runtime
 * (whose registry mirrors point at Pier's registry), with Kubernetes' back-off between failed
 * pulls and the events {@code kubectl describe pod} shows.
 */
final class ImagePuller {
  /** The image to run and what the runtime knows of it. */
  record PulledImage(String ref, ImageInfo info) {}

  private final CriClient cri;
  private final AgentEvents events;
  private final PullSecrets pullSecrets;
  private final Backoff backoff;
  private final Clock clock;

  ImagePuller(CriClient cri, AgentEvents events, PullSecrets pullSecrets, Clock clock) {
    this.cri = cri;
    this.events = events;
    this.pullSecrets = pullSecrets;
    this.backoff = new Backoff(clock);
    this.clock = clock;
  }

  PulledImage ensure(Pod pod, Container c, String fieldPath, PodObjects objects) throws ImagePullException {
    String image = c.getImage();
    if (image == null || image.isBlank()) throw new ImagePullException("InvalidImageName", "container " + c.getName() + " has no image");
    String policy = c.getImagePullPolicy() == null ? defaultPolicy(image) : c.getImagePullPolicy();
    Optional<ImageInfo> present = cri.imageStatus(image);
    if (policy.equals("Never")) {
      if (present.isEmpty()) {
        String msg = "Container image \"" + image + "\" is not present with pull policy of Never";
        events.warning(pod, fieldPath, "ErrImageNeverPull", msg);
        throw new ImagePullException("ErrImageNeverPull", msg);
      }
      return new PulledImage(present.get().id(), present.get());
    }
    if (policy.equals("IfNotPresent") && present.isPresent()) {
      return new PulledImage(present.get().id(), present.get());
    }
    String key = pod.getMetadata().getUid() + "/" + image;
    if (backoff.remainingSinceUpdate(key).compareTo(Duration.ZERO) > 0) {
      String msg = "Back-off pulling image \"" + image + "\"";
      events.normal(pod, fieldPath, "BackOff", msg);
      throw new ImagePullException("ImagePullBackOff", msg);
    }
    events.normal(pod, fieldPath, "Pulling", "Pulling image \"" + image + "\"");
    Instant started = clock.instant();
    try {
      Optional<RegistryAuth> auth = pullSecrets.authFor(pod, image, objects);
      String ref = cri.pullImage(image, auth);
      backoff.forget(key);
      Duration took = Duration.between(started, clock.instant());
      events.normal(pod, fieldPath, "Pulled", "Successfully pulled image \"" + image + "\" in " + took.toMillis() + "ms");
      ImageInfo info = cri.imageStatus(ref).or(() -> cri.imageStatus(image)).orElse(null);
      return new PulledImage(ref, info);
    } catch (CriException e) {
      backoff.next(key, clock.instant());
      String msg = "Failed to pull image \"" + image + "\": " + e.getMessage();
      events.warning(pod, fieldPath, "Failed", msg);
      throw new ImagePullException("ErrImagePull", msg);
    }
  }

  void forget(String uid) {
    backoff.forgetPrefix(uid + "/");
  }

  /** The API server defaults it; this covers pods written before it did: ":latest" or no tag pulls always. */
  static String defaultPolicy(String image) {
    String last = image.substring(image.lastIndexOf('/') + 1);
    if (last.contains("@")) return "IfNotPresent";
    return !last.contains(":") || last.endsWith(":latest") ? "Always" : "IfNotPresent";
  }
}
