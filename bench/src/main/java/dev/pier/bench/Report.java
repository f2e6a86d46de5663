package dev.pier.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The figures gathered so far, rendered as plain-text tables (also when the run is cut short). */
final class Report {

    record WriteRow(String backend, String op, Load.Result result) {
    }

    record ListRow(String backend, String what, int reps, int items, long bytes, Stats millis, String failures) {
    }

    record IdleWatchRow(String backend, int idleWatches, Load.Result result) {
    }

    record WatchRow(String backend, int watchers, int connected, int received, double setupSeconds,
                    Stats fromAck, Stats fromSend, String failures) {
    }

    private final List<String> header = new ArrayList<>();
    private final List<WriteRow> writes = new ArrayList<>();
    private final List<ListRow> lists = new ArrayList<>();
    private final List<WatchRow> watches = new ArrayList<>();
    private final List<IdleWatchRow> idleWatches = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final Map<Integer, Double> etcdPutRate = new HashMap<>();

    synchronized void header(String line) {
        header.add(line);
    }

    synchronized void write(WriteRow row) {
        writes.add(row);
    }

    /** Raw etcd put ops/s at this client count: the denominator of every write row's ratio. */
    synchronized void etcdPutRate(int clients, double opsPerSecond) {
        etcdPutRate.put(clients, opsPerSecond);
    }

    synchronized void list(ListRow row) {
        lists.add(row);
    }

    synchronized void watch(WatchRow row) {
        watches.add(row);
    }

    synchronized void idleWatches(IdleWatchRow row) {
        idleWatches.add(row);
    }

    synchronized void note(String line) {
        notes.add(line);
    }

    synchronized String render() {
        StringBuilder out = new StringBuilder();
        header.forEach(h -> out.append(h).append('\n'));

        out.append("\nWRITES (latency per operation incl. 409 retries; ops/s = successful ops / wall time;"
                + " x etcd = ops/s / raw etcd put ops/s at the same client count)\n");
        out.append(String.format(Locale.ROOT, "%-8s %-12s %7s %7s %6s %6s %9s %8s %8s %8s %7s  %s%n",
                "backend", "op", "clients", "ops", "fail", "409s", "ops/s", "p50 ms", "p99 ms", "max ms", "x etcd", "errors"));
        for (WriteRow r : writes) {
            Load.Result x = r.result();
            Double etcd = etcdPutRate.get(x.clients());
            String ratio = etcd == null || etcd == 0 ? "-" : String.format(Locale.ROOT, "%.2f", x.opsPerSecond() / etcd);
            out.append(String.format(Locale.ROOT, "%-8s %-12s %7d %7d %6d %6d %9.0f %8.2f %8.2f %8.2f %7s  %s%n",
                    r.backend(), r.op(), x.clients(), x.ok(), x.tally().failures(), x.tally().conflicts.sum(),
                    x.opsPerSecond(), x.latency().percentileMillis(50), x.latency().percentileMillis(99), x.latency().maxMillis(),
                    ratio,
                    (x.timedOut() ? "TIME LIMIT (" + x.ok() + "/" + x.requested() + " done) " : "") + x.tally().describe()));
        }

        if (!lists.isEmpty()) {
            out.append("\nLIST pods (whole response read; no limit)\n");
            out.append(String.format(Locale.ROOT, "%-8s %-34s %5s %7s %11s %9s %9s  %s%n",
                    "backend", "request", "reps", "items", "bytes", "p50 ms", "max ms", "errors"));
            for (ListRow r : lists) {
                out.append(String.format(Locale.ROOT, "%-8s %-34s %5d %7s %11d %9.1f %9.1f  %s%n",
                        r.backend(), r.what(), r.reps(), r.items() < 0 ? "-" : Integer.toString(r.items()), r.bytes(),
                        r.millis().percentileMillis(50), r.millis().maxMillis(), r.failures()));
            }
        }

        if (!watches.isEmpty()) {
            out.append("\nWATCH fan-out (one ConfigMap update; latency until each watcher has read the event line)\n");
            out.append(String.format(Locale.ROOT, "%-8s %8s %9s %8s %7s | %-26s | %-26s  %s%n",
                    "backend", "watchers", "connected", "received", "setup s",
                    "from write ack p50/p99/max", "from write sent p50/p99/max", "errors"));
            for (WatchRow r : watches) {
                out.append(String.format(Locale.ROOT, "%-8s %8d %9d %8d %7.1f | %-26s | %-26s  %s%n",
                        r.backend(), r.watchers(), r.connected(), r.received(), r.setupSeconds(),
                        triple(r.fromAck()), triple(r.fromSend()), r.failures()));
            }
            out.append("(from write ack: negative when a watcher read the event before the writer read its own PUT response)\n");
        }

        if (!idleWatches.isEmpty()) {
            out.append("\nSTORAGE CREATE vs IDLE WATCHES (one client on the store itself; one watch on the written prefix,"
                    + " plus N idle watches on other prefixes)\n");
            out.append(String.format(Locale.ROOT, "%-8s %12s %7s %9s %8s %8s %8s  %s%n",
                    "backend", "idle watches", "ops", "ops/s", "p50 ms", "p99 ms", "max ms", "errors"));
            for (IdleWatchRow r : idleWatches) {
                Load.Result x = r.result();
                out.append(String.format(Locale.ROOT, "%-8s %12d %7d %9.0f %8.2f %8.2f %8.2f  %s%n",
                        r.backend(), r.idleWatches(), x.ok(), x.opsPerSecond(), x.latency().percentileMillis(50),
                        x.latency().percentileMillis(99), x.latency().maxMillis(), x.tally().describe()));
            }
        }

        if (!notes.isEmpty()) {
            out.append('\n');
            notes.forEach(n -> out.append(n).append('\n'));
        }
        return out.toString();
    }

    private static String triple(Stats s) {
        if (s.count() == 0) return "-";
        return String.format(Locale.ROOT, "%.1f / %.1f / %.1f ms", s.percentileMillis(50), s.percentileMillis(99), s.maxMillis());
    }
}
