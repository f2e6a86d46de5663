package dev.pier.apiserver.registry;

/**
 * The body of a DELETE, as metav1.DeleteOptions.
 *
 * @param preconditionUid             refuse unless the object has this uid ("" for any)
 * @param preconditionResourceVersion refuse unless the object is at this version ("" for any)
 * @param gracePeriodSeconds          -1 when not given
 * @param propagationPolicy           Background, Foreground or Orphan; "" for the kind's default
 */
public record DeleteOptions(String preconditionUid, String preconditionResourceVersion, long gracePeriodSeconds,
                            String propagationPolicy, boolean dryRun) {

    public static DeleteOptions defaults() {
        return new DeleteOptions("", "", -1, "", false);
    }
}
