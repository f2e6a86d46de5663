package dev.pier.apiserver.auth;

import java.security.SecureRandom;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A bootstrap token as Kubernetes defines it: {@code <id>.<secret>}, id of 6 and secret of 16 characters
 * from {@code [a-z0-9]}. The id is public (it names the Secret {@code kube-system/bootstrap-token-<id>} and
 * the user {@code system:bootstrap:<id>}); the secret is not, and {@link #toString()} never shows it.
 */
public record BootstrapToken(String id, String secret) {
    public static final String SECRET_TYPE = "bootstrap.kubernetes.io/token";
    public static final String SECRET_PREFIX = "bootstrap-token-";
    public static final String NAMESPACE = "kube-system";
    public static final String GROUP = "system:bootstrappers";
    public static final String USER_PREFIX = "system:bootstrap:";
    /** What extra groups must look like (kubeadm's rule): only groups below system:bootstrappers. */
    public static final Pattern EXTRA_GROUP = Pattern.compile("^system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]$");

    private static final Pattern FORMAT = Pattern.compile("^([a-z0-9]{6})\\.([a-z0-9]{16})$");
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The token a bearer header carries, if it has a bootstrap token's form. */
    public static Optional<BootstrapToken> parse(String token) {
        var m = FORMAT.matcher(token);
        return m.matches() ? Optional.of(new BootstrapToken(m.group(1), m.group(2))) : Optional.empty();
    }

    /** A new random token. */
    public static BootstrapToken generate() {
        return new BootstrapToken(random(6), random(16));
    }

    private static String random(int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        return sb.toString();
    }

    /** The name of the Secret that holds this token. */
    public String secretName() {
        return SECRET_PREFIX + id;
    }

    /** The token as a client sends it: {@code <id>.<secret>}. Secret. */
    public String value() {
        return id + "." + secret;
    }

    @Override
    public String toString() {
        return "BootstrapToken[" + id + "]";
    }
}
