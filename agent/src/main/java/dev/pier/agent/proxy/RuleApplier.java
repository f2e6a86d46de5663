package dev.pier.agent.proxy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Puts {@link ProxyTables} into the kernel in one {@code iptables-restore --noflush} transaction: each of the
 * proxy's chains is declared (which empties it) and written whole, per-Service chains that are no longer
 * wanted are declared and deleted ({@code -X}) in the same transaction, and nothing else of the tables is
 * touched. The jumps from the built-in chains into the proxy's are checked and added one by one, as
 * kube-proxy does, once and on every full resync.
 */
final class RuleApplier {
    /** table, built-in chain, rule: kube-proxy's jumps (without its health-check and firewall chains). */
    static final List<Jump> JUMPS = List.of(
            new Jump("filter", "INPUT", List.of("-m", "conntrack", "--ctstate", "NEW", "-m", "comment", "--comment",
                    "kubernetes externally-visible service portals", "-j", ChainNames.EXTERNAL_SERVICES)),
            new Jump("filter", "FORWARD", List.of("-m", "conntrack", "--ctstate", "NEW", "-m", "comment", "--comment",
                    "kubernetes externally-visible service portals", "-j", ChainNames.EXTERNAL_SERVICES)),
            new Jump("filter", "FORWARD", List.of("-m", "conntrack", "--ctstate", "NEW", "-m", "comment", "--comment",
                    "kubernetes service portals", "-j", ChainNames.SERVICES)),
            new Jump("filter", "OUTPUT", List.of("-m", "conntrack", "--ctstate", "NEW", "-m", "comment", "--comment",
                    "kubernetes service portals", "-j", ChainNames.SERVICES)),
            new Jump("filter", "FORWARD", List.of("-m", "comment", "--comment", "kubernetes forwarding rules", "-j", ChainNames.FORWARD)),
            new Jump("nat", "OUTPUT", List.of("-m", "comment", "--comment", "kubernetes service portals", "-j", ChainNames.SERVICES)),
            new Jump("nat", "PREROUTING", List.of("-m", "comment", "--comment", "kubernetes service portals", "-j", ChainNames.SERVICES)),
            new Jump("nat", "POSTROUTING", List.of("-m", "comment", "--comment", "kubernetes postrouting rules", "-j", ChainNames.POSTROUTING)));

    record Jump(String table, String chain, List<String> rule) {
    }

    private final Iptables iptables;
    private String lastApplied;

    RuleApplier(Iptables iptables) {
        this.iptables = iptables;
    }

    /**
     * Applies the tables unless they are what this applier wrote last and {@code force} is false.
     *
     * @return whether iptables-restore ran
     */
    boolean apply(ProxyTables tables, boolean force) {
        String nat = tables.natRules();
        String filter = tables.filterRules();
        if (!force && (nat + filter).equals(lastApplied)) return false;
        String input = "*nat\n" + nat + stale(iptables.chains("nat"), tables.natChains()) + "COMMIT\n"
                + "*filter\n" + filter + stale(iptables.chains("filter"), tables.filterChains()) + "COMMIT\n";
        lastApplied = null; // a failure below leaves the kernel unknown: the next sync writes again
        iptables.restore(input);
        lastApplied = nat + filter;
        if (force) ensureJumps();
        return true;
    }

    void ensureJumps() {
        for (Jump j : JUMPS) {
            if (!iptables.exists(j.table(), j.chain(), j.rule())) iptables.insert(j.table(), j.chain(), j.rule());
        }
    }

    /** Removes the jumps and every chain of the proxy's: the node as it was before the proxy ran. */
    void removeAll() {
        for (Jump j : JUMPS) {
            while (iptables.exists(j.table(), j.chain(), j.rule())) iptables.delete(j.table(), j.chain(), j.rule());
        }
        String input = "*nat\n" + stale(iptables.chains("nat"), Set.of(), true) + "COMMIT\n"
                + "*filter\n" + stale(iptables.chains("filter"), Set.of(), true) + "COMMIT\n";
        iptables.restore(input);
        lastApplied = null;
    }

    private static String stale(Set<String> present, Set<String> wanted) {
        return stale(present, wanted, false);
    }

    /**
     * Declares and deletes chains present but no longer wanted: per-Service chains, and with {@code all} the
     * proxy's fixed chains too. Declaring first empties a chain, so deleting it cannot fail on its rules;
     * rules of other proxy chains that jumped to it were replaced earlier in the same input.
     */
    private static String stale(Set<String> present, Set<String> wanted, boolean all) {
        List<String> chains = new ArrayList<>();
        for (String chain : present) {
            if (wanted.contains(chain)) continue;
            if (ChainNames.isServiceChain(chain) || all && isFixed(chain)) chains.add(chain);
        }
        StringBuilder b = new StringBuilder();
        for (String c : chains) b.append(':').append(c).append(" - [0:0]\n");
        for (String c : chains) b.append("-X ").append(c).append('\n');
        return b.toString();
    }

    private static boolean isFixed(String chain) {
        return List.of(ChainNames.SERVICES, ChainNames.EXTERNAL_SERVICES, ChainNames.NODE_PORTS, ChainNames.POSTROUTING,
                ChainNames.MARK_MASQ, ChainNames.FORWARD, ChainNames.MASQ_NON_POD).contains(chain);
    }
}
