package dev.pier.agent.cri;

import java.util.Objects;

/**
 * Credentials for one pull, as the kubelet derives them from an imagePullSecret
 * ({@code .dockerconfigjson}): a user name and password, or the base64 {@code auth} field.
 */
public record RegistryAuth(String serverAddress, String username, String password, String auth) {
  public RegistryAuth {
    Objects.requireNonNull(serverAddress, "serverAddress");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(auth, "auth");
  }

  @Override
  public String toString() {
    return "RegistryAuth[serverAddress=" + serverAddress + ", username=" + username + "]";
  }
}
