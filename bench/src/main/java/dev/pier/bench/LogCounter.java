package dev.pier.bench;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Counts the in-process server's log events at WARN and above (through SLF4J and Logback), by logger and message. */
final class LogCounter extends AppenderBase<ILoggingEvent> {
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

    static LogCounter install() {
        LogCounter counter = new LogCounter();
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            counter.setContext(context);
            counter.start();
            context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(counter);
        }
        return counter;
    }

    @Override
    protected void append(ILoggingEvent e) {
        if (!e.getLevel().isGreaterOrEqual(Level.WARN)) return;
        String message = e.getFormattedMessage() == null ? "" : e.getFormattedMessage();
        // "PUT /api/.../cm-c16-12 failed": drop the object name so equal failures add up
        message = message.replaceAll("/[a-z0-9-]+-\\d+( |$)", "/<name>$1");
        if (message.length() > 140) message = message.substring(0, 140) + "...";
        IThrowableProxy t = e.getThrowableProxy();
        String thrown = t == null ? "" : " [" + t.getClassName() + ": " + t.getMessage() + "]";
        if (thrown.length() > 200) thrown = thrown.substring(0, 200) + "...]";
        counts.computeIfAbsent(e.getLevel() + " " + e.getLoggerName() + ": " + message + thrown, k -> new AtomicLong()).incrementAndGet();
    }

    List<String> summarize() {
        List<String> out = new ArrayList<>();
        long total = counts.values().stream().mapToLong(AtomicLong::get).sum();
        out.add("server log events at WARN or above during the run: " + total);
        counts.entrySet().stream()
                .sorted((a, b) -> Long.compare(b.getValue().get(), a.getValue().get()))
                .limit(8)
                .forEach(e -> out.add("  " + e.getValue().get() + " x " + e.getKey()));
        return out;
    }
}
