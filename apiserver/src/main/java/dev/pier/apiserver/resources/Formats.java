package dev.pier.apiserver.resources;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What names, keys and label values must look like (apimachinery's validation package): each method
 * returns Kubernetes' reasons, word for word, why a string does not qualify, or nothing when it does.
 */
public final class Formats {
    private static final String DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private static final Pattern DNS1123_LABEL = Pattern.compile(DNS1123_LABEL_FMT);
    private static final String DNS1123_SUBDOMAIN_FMT = DNS1123_LABEL_FMT + "(\\." + DNS1123_LABEL_FMT + ")*";
    private static final Pattern DNS1123_SUBDOMAIN = Pattern.compile(DNS1123_SUBDOMAIN_FMT);
    private static final String QUALIFIED_NAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
    private static final Pattern QUALIFIED_NAME = Pattern.compile(QUALIFIED_NAME_FMT);
    private static final String LABEL_VALUE_FMT = "(" + QUALIFIED_NAME_FMT + ")?";
    private static final Pattern LABEL_VALUE = Pattern.compile(LABEL_VALUE_FMT);
    private static final String CONFIG_KEY_FMT = "[-._a-zA-Z0-9]+";
    private static final Pattern CONFIG_KEY = Pattern.compile(CONFIG_KEY_FMT);
    private static final Pattern PORT_NAME_CHARS = Pattern.compile("[-a-z0-9]+");
    private static final Pattern HAS_LETTER = Pattern.compile(".*[a-z].*");

    private Formats() {
    }

    /** Kubernetes' RegexError: a message, examples, and the expression used. */
    static String regexError(String msg, String fmt, String... examples) {
        StringBuilder sb = new StringBuilder(msg);
        if (examples.length == 0) return sb.append(" (regex used for validation is '").append(fmt).append("')").toString();
        sb.append(" (e.g. ");
        for (int i = 0; i < examples.length; i++) {
            if (i > 0) sb.append(" or ");
            sb.append('\'').append(examples[i]).append("', ");
        }
        return sb.append("regex used for validation is '").append(fmt).append("')").toString();
    }

    public static String maxLength(int n) {
        return "must be no more than " + n + " characters";
    }

    public static List<String> dns1123Label(String v) {
        List<String> out = new ArrayList<>();
        if (v.length() > 63) out.add(maxLength(63));
        if (!DNS1123_LABEL.matcher(v).matches()) {
            out.add(regexError("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
                    + "and must start and end with an alphanumeric character", DNS1123_LABEL_FMT, "my-name", "123-abc"));
        }
        return out;
    }

    public static List<String> dns1123Subdomain(String v) {
        List<String> out = new ArrayList<>();
        if (v.length() > 253) out.add(maxLength(253));
        if (!DNS1123_SUBDOMAIN.matcher(v).matches()) {
            out.add(regexError("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
                    + "and must start and end with an alphanumeric character", DNS1123_SUBDOMAIN_FMT, "example.com"));
        }
        return out;
    }

    /** An IANA service name, as container port names and named target ports must be. */
    public static List<String> portName(String v) {
        List<String> out = new ArrayList<>();
        if (v.length() > 15) out.add(maxLength(15));
        if (!PORT_NAME_CHARS.matcher(v).matches()) out.add("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
        if (!HAS_LETTER.matcher(v).matches()) out.add("must contain at least one letter (a-z)");
        if (v.contains("--")) out.add("must not contain consecutive hyphens");
        if (!v.isEmpty() && (v.charAt(0) == '-' || v.charAt(v.length() - 1) == '-')) out.add("must not begin or end with a hyphen");
        return out;
    }

    /** A qualified name with an optional DNS-subdomain prefix: label keys, finalizers, resource names. */
    public static List<String> qualifiedName(String v) {
        List<String> out = new ArrayList<>();
        String name = v;
        String[] parts = v.split("/", -1);
        if (parts.length == 2) {
            String prefix = parts[0];
            name = parts[1];
            if (prefix.isEmpty()) out.add("prefix part must be non-empty");
            else for (String msg : dns1123Subdomain(prefix)) out.add("prefix part " + msg);
        } else if (parts.length > 2) {
            out.add("a qualified name " + regexError("must consist of alphanumeric characters, '-', '_' or '.', and must "
                    + "start and end with an alphanumeric character", QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc")
                    + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
            return out;
        }
        if (name.isEmpty()) {
            out.add("name part must be non-empty");
        } else if (name.length() > 63) {
            out.add("name part " + maxLength(63));
        }
        if (!QUALIFIED_NAME.matcher(name).matches()) {
            out.add("name part " + regexError("must consist of alphanumeric characters, '-', '_' or '.', and must start "
                    + "and end with an alphanumeric character", QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc"));
        }
        return out;
    }

    public static List<String> labelValue(String v) {
        List<String> out = new ArrayList<>();
        if (v.length() > 63) out.add(maxLength(63));
        if (!LABEL_VALUE.matcher(v).matches()) {
            out.add(regexError("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
                    + "and must start and end with an alphanumeric character", LABEL_VALUE_FMT, "MyValue", "my_value", "12345"));
        }
        return out;
    }

    /** Keys of ConfigMap and Secret data, which become file names in volumes. */
    public static List<String> configKey(String v) {
        List<String> out = new ArrayList<>();
        if (v.length() > 253) out.add(maxLength(253));
        if (!CONFIG_KEY.matcher(v).matches()) {
            out.add(regexError("a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
                    CONFIG_KEY_FMT, "key.name", "KEY_NAME", "key-name"));
        }
        if (v.equals(".")) out.add("must not be '.'");
        else if (v.equals("..")) out.add("must not be '..'");
        else if (v.startsWith("..")) out.add("must not start with '..'");
        return out;
    }
}
