package dev.pier.agent.proxy;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.pier.agent.proxy.Fixtures.nodePort;
import static dev.pier.agent.proxy.Fixtures.service;
import static dev.pier.agent.proxy.Fixtures.slice;
import static org.assertj.core.api.Assertions.assertThat;

/** The tables the proxy writes for given Services and slices, as text. */
class RuleWriterTest {
    private static final List<String> POD_CIDRS = List.of("10.244.0.0/16");

    private static ProxyTables tables(List<Service> services, List<EndpointSlice> slices) {
        return RuleWriter.write(ServiceTable.build(services, slices, "node-a"), POD_CIDRS);
    }

    @Test
    void chainNamesAreKubeProxys() {
        // the name kube-proxy's own tests expect for ns1/svc1:p80 over TCP
        assertThat(ChainNames.service("ns1/svc1:p80", "tcp")).isEqualTo("KUBE-SVC-XPGD46QRK7WJZT7O");
        assertThat(ChainNames.base32(new byte[]{'f', 'o', 'o', 'b', 'a', 'r'})).isEqualTo("MZXW6YTBOI");
    }

    @Test
    void clusterIpSpreadsOverReadyEndpointsWithMasqueradeForNonPodClients() {
        ProxyTables t = tables(List.of(service("web", "10.96.0.10", 80, 8080).build()),
                List.of(slice("web", 8080, "10.244.1.2", "10.244.2.3", "10.244.1.10", "!10.244.1.4")));
        String svc = ChainNames.service("default/web:http", "tcp");
        String sep1 = ChainNames.endpoint("default/web:http", "tcp", "10.244.1.2:8080");
        String sep3 = ChainNames.endpoint("default/web:http", "tcp", "10.244.2.3:8080");
        assertThat(t.natRules()).contains(
                "-A KUBE-SERVICES -m comment --comment \"default/web:http cluster IP\" -m tcp -p tcp -d 10.96.0.10/32 --dport 80 -j " + svc + "\n",
                "-A " + svc + " -m comment --comment \"default/web:http cluster IP\" -m tcp -p tcp -d 10.96.0.10/32 --dport 80 ! -s 10.244.0.0/16 -j KUBE-MARK-MASQ\n",
                "-A " + svc + " -m comment --comment \"default/web:http -> 10.244.1.2:8080\" -m statistic --mode random --probability 0.3333333333 -j " + sep1 + "\n",
                "-A " + svc + " -m comment --comment \"default/web:http -> 10.244.1.10:8080\" -m statistic --mode random --probability 0.5000000000 -j ",
                "-A " + svc + " -m comment --comment \"default/web:http -> 10.244.2.3:8080\" -j " + sep3 + "\n",
                "-A " + sep1 + " -m comment --comment \"default/web:http\" -s 10.244.1.2/32 -j KUBE-MARK-MASQ\n",
                "-A " + sep1 + " -m comment --comment \"default/web:http\" -m tcp -p tcp -j DNAT --to-destination 10.244.1.2:8080\n",
                ":KUBE-SERVICES - [0:0]\n", ":" + svc + " - [0:0]\n");
        assertThat(t.natRules()).doesNotContain("10.244.1.4"); // not ready
        assertThat(t.filterRules()).doesNotContain("REJECT");
        // the node-port jump stays the last rule of KUBE-SERVICES
        List<String> services = t.natRules().lines().filter(l -> l.startsWith("-A KUBE-SERVICES")).toList();
        assertThat(services.getLast()).contains("--dst-type LOCAL -j KUBE-NODEPORTS");
    }

    @Test
    void aServiceWithoutEndpointsIsRejectedOnItsClusterIpAndNodePort() {
        ProxyTables t = tables(List.of(nodePort("empty", "10.96.0.20", 80, 8080, 30080)), List.of(slice("empty", 8080)));
        assertThat(t.filterRules()).contains(
                "-A KUBE-SERVICES -m comment --comment \"default/empty:http has no endpoints\" -m tcp -p tcp -d 10.96.0.20/32 --dport 80 -j REJECT\n",
                "-A KUBE-EXTERNAL-SERVICES -m comment --comment \"default/empty:http has no endpoints\" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 30080 -j REJECT\n");
        assertThat(t.natChains()).noneMatch(ChainNames::isServiceChain);
    }

    @Test
    void nodePortsGoThroughTheExternalChainWithMasquerade() {
        ProxyTables t = tables(List.of(nodePort("np", "10.96.0.30", 80, 8080, 30080)), List.of(slice("np", 8080, "10.244.1.2")));
        String ext = ChainNames.external("default/np:http", "tcp");
        String svc = ChainNames.service("default/np:http", "tcp");
        assertThat(t.natRules()).contains(
                "-A KUBE-NODEPORTS -m comment --comment \"default/np:http\" -m tcp -p tcp --dport 30080 -j " + ext + "\n",
                "-A " + ext + " -m comment --comment \"masquerade traffic for default/np:http external destinations\" -j KUBE-MARK-MASQ\n",
                "-A " + ext + " -j " + svc + "\n");
    }

    @Test
    void localTrafficPoliciesUseOnlyThisNodesEndpoints() {
        Service svc = new ServiceBuilder(nodePort("loc", "10.96.0.40", 80, 8080, 30090)).editSpec()
                .withExternalTrafficPolicy("Local").withInternalTrafficPolicy("Local").endSpec().build();
        ProxyTables t = tables(List.of(svc), List.of(slice("loc", 8080, "10.244.1.2@node-a", "10.244.2.2@node-b")));
        String svl = ChainNames.serviceLocal("default/loc:http", "tcp");
        String ext = ChainNames.external("default/loc:http", "tcp");
        assertThat(t.natRules()).contains("--dport 80 -j " + svl + "\n", "-A " + ext + " -j " + svl + "\n",
                "-A " + ext + " -m comment --comment \"pod traffic for default/loc:http external destinations\" -s 10.244.0.0/16 -j ");
        String local = t.natRules().lines().filter(l -> l.startsWith("-A " + svl)).reduce("", (a, b) -> a + b + "\n");
        assertThat(local).contains("10.244.1.2:8080").doesNotContain("10.244.2.2");

        // no endpoint here: the cluster IP drops (others have endpoints), the node port drops what is not DNATed
        ProxyTables none = tables(List.of(svc), List.of(slice("loc", 8080, "10.244.2.2@node-b")));
        assertThat(none.filterRules()).contains("has no local endpoints\" -m tcp -p tcp -d 10.96.0.40/32 --dport 80 -j DROP",
                "has no local endpoints\" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 30090 -j DROP");
    }

    @Test
    void clientIpAffinityRemembersTheEndpointForItsTimeout() {
        Service svc = service("sticky", "10.96.0.50", 80, 8080).editSpec().withSessionAffinity("ClientIP")
                .withNewSessionAffinityConfig().withNewClientIP().withTimeoutSeconds(600).endClientIP().endSessionAffinityConfig().endSpec().build();
        ProxyTables t = tables(List.of(svc), List.of(slice("sticky", 8080, "10.244.1.2")));
        String sep = ChainNames.endpoint("default/sticky:http", "tcp", "10.244.1.2:8080");
        assertThat(t.natRules()).contains(
                "-m recent --name " + sep + " --mask 255.255.255.255 --rsource --rcheck --seconds 600 --reap -j " + sep + "\n",
                "-A " + sep + " -m comment --comment \"default/sticky:http\" -m recent --name " + sep
                        + " --mask 255.255.255.255 --rsource --set -m tcp -p tcp -j DNAT --to-destination 10.244.1.2:8080\n");
    }

    @Test
    void terminatingServingEndpointsAreUsedOnlyWhenNoneIsReady() {
        EndpointSlice s = new EndpointSliceBuilder(slice("roll", 8080)).addNewEndpoint().withAddresses("10.244.1.7")
                .withNewConditions().withReady(false).withServing(true).withTerminating(true).endConditions().endEndpoint().build();
        ProxyTables t = tables(List.of(service("roll", "10.96.0.60", 80, 8080).build()), List.of(s));
        assertThat(t.natRules()).contains("DNAT --to-destination 10.244.1.7:8080");
        assertThat(t.filterRules()).doesNotContain("REJECT");
    }

    @Test
    void headlessAndExternalNameServicesHaveNoRules() {
        Service headless = service("hl", "None", 80, 8080).build();
        Service ext = new ServiceBuilder().withNewMetadata().withNamespace("default").withName("ext").endMetadata()
                .withNewSpec().withType("ExternalName").withExternalName("example.com").endSpec().build();
        ProxyTables t = tables(List.of(headless, ext), List.of(slice("hl", 8080, "10.244.1.2")));
        assertThat(t.natChains()).noneMatch(ChainNames::isServiceChain);
        assertThat(t.filterRules()).doesNotContain("default/");
    }
}
