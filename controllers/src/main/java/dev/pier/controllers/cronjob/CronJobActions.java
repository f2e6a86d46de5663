package dev.pier.controllers.cronjob;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Optional;

/** What a CronJob sync does outside itself: the controller's API client and event recorder, or a test's fake. */
interface CronJobActions {
    /**
     * Creates a job in the CronJob's namespace.
     *
     * @throws dev.pier.apiserver.errors.ApiException as the API answers, 409 when the name is taken
     */
    ObjectNode createJob(ObjectNode job);

    /** The job as the API has it now (not an informer's copy), if it exists. */
    Optional<ObjectNode> getJob(String name);

    /**
     * Deletes a job, its pods following in the background; a job already gone counts as deleted.
     *
     * @throws dev.pier.apiserver.errors.ApiException when the API refuses
     */
    void deleteJob(ObjectNode job);

    /** Records an event about the CronJob ({@code Normal} or {@code Warning}). */
    void event(String type, String reason, String message);
}
