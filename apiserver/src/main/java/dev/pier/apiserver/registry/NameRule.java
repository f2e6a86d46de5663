package dev.pier.apiserver.registry;

import java.util.regex.Pattern;

/** The name formats Kubernetes accepts for object names, and Pier's cluster names. */
public enum NameRule {
    /** lower-case RFC 1123 subdomain, at most 253 characters: most kinds */
    DNS_SUBDOMAIN(253, Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"),
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
                    + "and must start and end with an alphanumeric character"),
    /** lower-case RFC 1123 label, at most 63 characters: namespaces */
    DNS_LABEL(63, Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?"),
            "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
                    + "and must start and end with an alphanumeric character"),
    /** RFC 1035 label, starting with a letter: services */
    DNS1035_LABEL(63, Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?"),
            "a DNS-1035 label must consist of lower case alphanumeric characters or '-', "
                    + "start with an alphabetic character, and end with an alphanumeric character"),
    /**
     * Pier's clusters, named as NKS names them: short, since node and machine names start with them
     * ({@code <cluster>-node-<i>}), and a DNS label, since each is a tenant cell served at
     * {@code /clusters/<name>}.
     */
    CLUSTER(20, Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?"),
            "a cluster name must be 1-20 characters of lower case letters, digits or '-', "
                    + "start with a letter and end with a letter or digit"),
    /** anything usable as a URL path segment: RBAC kinds (names like system:controller:x) */
    PATH_SEGMENT(253, Pattern.compile("[^/%]+"), "may not contain '/' or '%'");

    private final int maxLength;
    private final Pattern pattern;
    private final String explanation;

    NameRule(int maxLength, Pattern pattern, String explanation) {
        this.maxLength = maxLength;
        this.pattern = pattern;
        this.explanation = explanation;
    }

    /** Why the name is not acceptable, or null if it is. */
    public String check(String name) {
        if (name.length() > maxLength) return "must be no more than " + maxLength + " characters";
        if (name.equals(".") || name.equals("..")) return "may not be '.' or '..'";
        if (!pattern.matcher(name).matches()) return explanation;
        return null;
    }
}
