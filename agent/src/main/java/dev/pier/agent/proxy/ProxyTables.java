package dev.pier.agent.proxy;

import java.util.Set;

/**
 * The proxy's rules for one moment: the chains it owns in the nat and filter tables and their rules, in
 * iptables-restore's format (each table's text without its {@code *table} and {@code COMMIT} lines).
 */
record ProxyTables(Set<String> natChains, String natRules, Set<String> filterChains, String filterRules) {
}
