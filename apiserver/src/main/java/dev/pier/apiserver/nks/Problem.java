package dev.pier.apiserver.nks;

/**
 * One thing wrong with a request, in the terms of the NKS API.
 *
 * @param field  the NKS field at fault ({@code pod_cidr}, {@code node_taints[1]}), or null when no one field is
 * @param detail what is wrong
 * @param fix    what the caller should send instead, or null when there is nothing better to say than the detail
 */
public record Problem(String field, String detail, String fix) {
}
