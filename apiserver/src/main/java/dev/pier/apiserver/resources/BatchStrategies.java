package dev.pier.apiserver.resources;

import dev.pier.apiserver.registry.ResourceStrategy;

/** Strategies of the batch/v1 kinds. */
final class BatchStrategies {
    private BatchStrategies() {
    }

    static final ResourceStrategy JOBS = KindStrategy.builder().withStatus().build();
    static final ResourceStrategy CRONJOBS = KindStrategy.builder().withStatus().build();
}
