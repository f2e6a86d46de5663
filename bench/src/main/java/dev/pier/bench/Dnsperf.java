package dev.pier.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One run of {@code dnsperf} (DNS-OARC's load generator) against a server on 127.0.0.1, and what it printed.
 * Debian 12's dnsperf (2.10) prints the average, minimum and maximum latency but no percentiles, so it runs with
 * {@code -v}, which prints each query's latency, and the percentiles are computed from those lines. Its output
 * goes to a file, not through this JVM while it runs: the JVM may be the server under test.
 */
final class Dnsperf {
    private static final Pattern QPS = Pattern.compile("Queries per second:\\s+([0-9.]+)");
    private static final Pattern COMPLETED = Pattern.compile("Queries completed:\\s+(\\d+)");
    private static final Pattern LOST = Pattern.compile("Queries lost:\\s+(\\d+)");
    private static final Pattern RCODES = Pattern.compile("Response codes:\\s+(.+)");

    /**
     * What a run measured.
     *
     * @param latency    nanoseconds, one sample per answered query
     * @param rcodes     dnsperf's "Response codes" line, e.g. {@code NOERROR 69256 (100.00%)}
     */
    record Result(double queriesPerSecond, long completed, long lost, String rcodes, Stats latency) {
        boolean allNoError() {
            return rcodes.matches("NOERROR \\d+ \\(100\\.00%\\)");
        }
    }

    /**
     * How to load the server.
     *
     * @param seconds      how long to send queries
     * @param clients      dnsperf's {@code -c}: sockets it sends from
     * @param outstanding  dnsperf's {@code -q}: queries in flight at most
     * @param maxRate      dnsperf's {@code -Q} (queries a second), 0 for as fast as answers come
     */
    record Traffic(int seconds, int clients, int outstanding, int maxRate) {
    }

    private Dnsperf() {
    }

    /** Runs dnsperf with {@code queries} (lines {@code name type}) against 127.0.0.1:{@code port}; {@code work} holds its output. */
    static Result run(int port, Path queries, Traffic load, Path work) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("dnsperf", "-s", "127.0.0.1", "-p", Integer.toString(port), "-d", queries.toString(),
                "-l", Integer.toString(load.seconds()), "-c", Integer.toString(load.clients()), "-q", Integer.toString(load.outstanding()),
                "-t", "2", "-v"));
        if (load.maxRate() > 0) command.addAll(List.of("-Q", Integer.toString(load.maxRate())));
        Path out = Files.createTempFile(work, "dnsperf-", ".txt");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            if (!p.waitFor(load.seconds() + 30L, TimeUnit.SECONDS)) throw new IOException("dnsperf did not finish: " + command);
            if (p.exitValue() != 0) throw new IOException("dnsperf exited with " + p.exitValue() + ": " + tail(out));
            return parse(out);
        } finally {
            p.destroyForcibly();
            Files.deleteIfExists(out);
        }
    }

    /** Reads a run's output: the summary, and a latency sample from each {@code > RCODE name type seconds} line. */
    static Result parse(Path output) throws IOException {
        long[] samples = new long[1 << 16];
        int count = 0;
        Double qps = null;
        long completed = -1;
        long lost = -1;
        String rcodes = "";
        try (BufferedReader in = Files.newBufferedReader(output, StandardCharsets.UTF_8)) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("> ")) {
                    long nanos = latencyNanos(line);
                    if (nanos < 0) continue;
                    if (count == samples.length) samples = Arrays.copyOf(samples, count * 2);
                    samples[count++] = nanos;
                    continue;
                }
                Matcher m;
                if ((m = QPS.matcher(line)).find()) qps = Double.parseDouble(m.group(1));
                else if ((m = COMPLETED.matcher(line)).find()) completed = Long.parseLong(m.group(1));
                else if ((m = LOST.matcher(line)).find()) lost = Long.parseLong(m.group(1));
                else if ((m = RCODES.matcher(line)).find()) rcodes = m.group(1).trim();
            }
        }
        if (qps == null || completed < 0 || lost < 0) throw new IOException("no dnsperf summary in its output: " + tail(output));
        return new Result(qps, completed, lost, rcodes, Stats.of(samples, count));
    }

    /** The last field of a verbose line, seconds; -1 for a line without one (a lost query). */
    private static long latencyNanos(String line) {
        int space = line.lastIndexOf(' ');
        try {
            return Math.round(Double.parseDouble(line.substring(space + 1)) * 1e9);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String tail(Path output) throws IOException {
        List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    }
}
