package dev.pier.cloud.machine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ContainerdConfigTest {
  private final MachineLayout layout = MachineLayout.of("node-1", 5, new HostNetwork(3),
      Path.of("/data/machines"), Path.of("/run/pier/net-3"));

  @Test
  void everyPathContainerdCouldShareIsTheMachinesOwn() {
    String toml = ContainerdConfig.containerdToml(layout, "registry.k8s.io/pause:3.9");
    assertThat(toml)
        .contains("root = \"/data/machines/node-1/containerd/root\"")
        .contains("state = \"/run/pier/net-3/node-1/state\"")
        .contains("address = \"/run/pier/net-3/node-1/containerd.sock\"")
        .contains("address = \"/run/pier/net-3/node-1/containerd.sock.ttrpc\"")
        .contains("path = \"/data/machines/node-1/containerd/opt\"")
        .contains("Root = \"/run/pier/net-3/node-1/runc\"")
        .contains("path = \"/pier/pier3-node-1/runtime\"")
        .contains("conf_dir = \"/data/machines/node-1/containerd/cni\"")
        .contains("config_path = \"/data/machines/node-1/containerd/certs.d\"");
  }

  @Test
  void carriesTheSettingsThisHostNeeds() {
    String toml = ContainerdConfig.containerdToml(layout, "registry.k8s.io/pause:3.9");
    assertThat(toml)
        .contains("restrict_oom_score_adj = true")
        .contains("netns_mounts_under_state_dir = true")
        .contains("SystemdCgroup = false")
        .contains("snapshotter = \"overlayfs\"")
        .contains("runtime_type = \"io.containerd.runc.v2\"")
        .contains("sandbox_image = \"registry.k8s.io/pause:3.9\"")
        .contains("stream_server_address = \"10.250.3.5\"")
        .contains("bin_dir = \"/usr/lib/cni\"")
        // the runtime v1 plugin must stay: containerd 1.6's task service (and so CRI) needs it
        .doesNotContain("io.containerd.runtime.v1.linux\"]");
  }

  @Test
  void mirrorsGoOnlyToPiersRegistry() {
    assertThat(ContainerdConfig.hostsToml("http://10.250.3.1:5000"))
        .isEqualTo("""
            server = "http://10.250.3.1:5000"

            [host."http://10.250.3.1:5000"]
              capabilities = ["pull", "resolve"]
            """);
  }

  @Test
  void cniNetworkIsTheMachinesPodCidrOnABridge() throws Exception {
    JsonNode conf = new ObjectMapper().readTree(ContainerdConfig.cniConflist(layout));
    assertThat(conf.path("name").asText()).isEqualTo("pier3-node-1");
    JsonNode bridge = conf.path("plugins").get(0);
    assertThat(bridge.path("type").asText()).isEqualTo("bridge");
    assertThat(bridge.path("ipMasq").asBoolean()).isFalse();
    assertThat(bridge.path("isGateway").asBoolean()).isTrue();
    assertThat(bridge.at("/ipam/ranges/0/0/subnet").asText()).isEqualTo("10.153.5.0/24");
    assertThat(bridge.at("/ipam/dataDir").asText()).isEqualTo("/run/pier/net-3/node-1/ipam");
    assertThat(conf.path("plugins").get(1).path("type").asText()).isEqualTo("portmap");
  }
}
