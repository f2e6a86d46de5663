package dev.pier.apiserver.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NegotiationTest {
    @Test
    void kubectlGetAsksForTable() {
        assertThat(Negotiation.wantsTable("application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json")).isTrue();
        assertThat(Negotiation.wantsTable("application/json")).isFalse();
        assertThat(Negotiation.wantsTable(null)).isFalse();
    }

    @Test
    void aggregatedDiscoveryVersions() {
        assertThat(Negotiation.aggregatedDiscovery("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json")).isEqualTo("v2");
        assertThat(Negotiation.aggregatedDiscovery("application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList")).isEqualTo("v2beta1");
        assertThat(Negotiation.aggregatedDiscovery("application/json, */*")).isNull();
    }
}
