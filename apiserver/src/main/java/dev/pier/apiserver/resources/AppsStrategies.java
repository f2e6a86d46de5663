package dev.pier.apiserver.resources;

import dev.pier.apiserver.registry.ResourceStrategy;

/** Strategies of the apps/v1 kinds. */
final class AppsStrategies {
    private AppsStrategies() {
    }

    static final ResourceStrategy DEPLOYMENTS = KindStrategy.builder().withStatus().build();
    static final ResourceStrategy REPLICASETS = KindStrategy.builder().withStatus().build();
    static final ResourceStrategy STATEFULSETS = KindStrategy.builder().withStatus().build();
    static final ResourceStrategy DAEMONSETS = KindStrategy.builder().withStatus().build();
    static final ResourceStrategy CONTROLLERREVISIONS = KindStrategy.builder().build();
}
