package dev.pier.apiserver.registry;

/**
 * Query parameters shared by create, update and patch.
 *
 * @param dryRun          validate and answer, but store nothing ({@code dryRun=All})
 * @param fieldManager    who is writing ({@code fieldManager}); "" when not given
 * @param fieldValidation Strict, Warn or Ignore
 */
public record WriteOptions(boolean dryRun, String fieldManager, String fieldValidation) {
    public static WriteOptions defaults() {
        return new WriteOptions(false, "", "Warn");
    }
}
