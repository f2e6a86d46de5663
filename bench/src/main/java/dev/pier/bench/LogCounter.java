package dev.pier.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Counts the in-process server's java.util.logging records at WARNING and above, by logger and message. */
final class LogCounter extends Handler {
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

    static LogCounter install() {
        LogCounter counter = new LogCounter();
        counter.setLevel(Level.WARNING);
        Logger.getLogger("").addHandler(counter);
        return counter;
    }

    @Override
    public void publish(LogRecord r) {
        if (r == null || r.getLevel().intValue() < Level.WARNING.intValue()) return;
        String message = r.getMessage() == null ? "" : r.getMessage();
        // "request PUT /api/.../cm-c16-12 failed": drop the object name so equal failures add up
        message = message.replaceAll("/[a-z0-9-]+-\\d+( |$)", "/<name>$1");
        if (message.length() > 140) message = message.substring(0, 140) + "...";
        String thrown = r.getThrown() == null ? "" : " [" + r.getThrown() + "]";
        if (thrown.length() > 200) thrown = thrown.substring(0, 200) + "...]";
        counts.computeIfAbsent(r.getLevel() + " " + r.getLoggerName() + ": " + message + thrown, k -> new AtomicLong()).incrementAndGet();
    }

    List<String> summarize() {
        List<String> out = new ArrayList<>();
        long total = counts.values().stream().mapToLong(AtomicLong::get).sum();
        out.add("server log records at WARNING or above during the run: " + total);
        counts.entrySet().stream()
                .sorted((a, b) -> Long.compare(b.getValue().get(), a.getValue().get()))
                .limit(8)
                .forEach(e -> out.add("  " + e.getValue().get() + " x " + e.getKey()));
        return out;
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
