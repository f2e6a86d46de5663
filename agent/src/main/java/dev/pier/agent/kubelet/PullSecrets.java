package dev.pier.agent.kubelet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pier.agent.cri.RegistryAuth;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Credentials for a pull from the pod's {@code imagePullSecrets} ({@code .dockerconfigjson} or
 * the older {@code .dockercfg}): the first secret with an entry for the image's registry wins.
 */
final class PullSecrets {
  private static final ObjectMapper JSON = new ObjectMapper();

  Optional<RegistryAuth> authFor(Pod pod, String image, PodObjects objects) {
    List<LocalObjectReference> refs = pod.getSpec().getImagePullSecrets();
    if (refs == null || refs.isEmpty()) return Optional.empty();
    String registry = registryOf(image);
    for (LocalObjectReference ref : refs) {
      Optional<Map<String, byte[]>> data = objects.secret(ref.getName());
      if (data.isEmpty()) continue;
      byte[] config = data.get().getOrDefault(".dockerconfigjson", data.get().get(".dockercfg"));
      if (config == null) continue;
      try {
        JsonNode root = JSON.readTree(new String(config, StandardCharsets.UTF_8));
        JsonNode auths = root.has("auths") ? root.get("auths") : root;
        for (var it = auths.fields(); it.hasNext(); ) {
          var e = it.next();
          if (registry.equals(registryOfKey(e.getKey()))) return Optional.of(auth(e.getKey(), e.getValue()));
        }
      } catch (IOException e) {
        // a malformed secret offers no credentials; the pull fails and says so
      }
    }
    return Optional.empty();
  }

  private static RegistryAuth auth(String server, JsonNode entry) {
    String user = entry.path("username").asText("");
    String password = entry.path("password").asText("");
    String auth = entry.path("auth").asText("");
    if (user.isEmpty() && !auth.isEmpty()) {
      String decoded = new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      if (colon > 0) {
        user = decoded.substring(0, colon);
        password = decoded.substring(colon + 1);
      }
    }
    return new RegistryAuth(server, user, password, auth);
  }

  /** The registry host of an image name: its first part when that looks like a host, else Docker Hub. */
  static String registryOf(String image) {
    int slash = image.indexOf('/');
    String first = slash < 0 ? "" : image.substring(0, slash);
    boolean isHost = first.contains(".") || first.contains(":") || first.equals("localhost");
    return canonical(isHost ? first : "docker.io");
  }

  /** The registry host of a docker config key ("https://index.docker.io/v1/", "registry:5000"). */
  static String registryOfKey(String key) {
    String s = key.replaceFirst("^https?://", "");
    int slash = s.indexOf('/');
    return canonical(slash < 0 ? s : s.substring(0, slash));
  }

  private static String canonical(String host) {
    return switch (host) {
      case "index.docker.io", "registry-1.docker.io" -> "docker.io";
      default -> host;
    };
  }
}
