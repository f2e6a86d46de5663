package dev.pier.apiserver.registry;

import dev.pier.apiserver.auth.UserInfo;

/**
 * Query parameters shared by create, update and patch, and who is writing.
 *
 * @param dryRun          validate and answer, but store nothing ({@code dryRun=All})
 * @param fieldManager    who is writing ({@code fieldManager}); "" when not given
 * @param fieldValidation Strict, Warn or Ignore
 * @param user            the authenticated user of an HTTP request; null for the server's own components
 */
public record WriteOptions(boolean dryRun, String fieldManager, String fieldValidation, UserInfo user) {
    public WriteOptions(boolean dryRun, String fieldManager, String fieldValidation) {
        this(dryRun, fieldManager, fieldValidation, null);
    }

    public static WriteOptions defaults() {
        return new WriteOptions(false, "", "Warn");
    }
}
