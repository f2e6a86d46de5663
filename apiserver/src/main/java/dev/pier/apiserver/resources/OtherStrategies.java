package dev.pier.apiserver.resources;

import dev.pier.apiserver.registry.NameRule;
import dev.pier.apiserver.registry.ResourceStrategy;

/** Strategies of the smaller groups: coordination, discovery, storage, events, policy, rbac. */
final class OtherStrategies {
    private OtherStrategies() {
    }

    static final ResourceStrategy LEASES = KindStrategy.builder().build();
    static final ResourceStrategy ENDPOINTSLICES = KindStrategy.builder().build();
    static final ResourceStrategy STORAGECLASSES = KindStrategy.builder().build();
    static final ResourceStrategy EVENTS = KindStrategy.builder().build();
    static final ResourceStrategy PDBS = KindStrategy.builder().withStatus().build();
    static final ResourceStrategy ROLES = KindStrategy.builder().names(NameRule.PATH_SEGMENT).build();
    static final ResourceStrategy ROLEBINDINGS = KindStrategy.builder().names(NameRule.PATH_SEGMENT).build();
    static final ResourceStrategy CLUSTERROLES = KindStrategy.builder().names(NameRule.PATH_SEGMENT).build();
    static final ResourceStrategy CLUSTERROLEBINDINGS = KindStrategy.builder().names(NameRule.PATH_SEGMENT).build();
}
