package dev.pier.bench;

import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * dnsmasq as the DNS benchmark's reference: answering the names of a hosts file on 127.0.0.1 and a free
 * unprivileged port, nothing else (no upstream, no /etc/hosts, no configuration file, no DHCP), in the
 * foreground as this process's child. {@link #close} stops it; so does this JVM's exit, through a shutdown
 * hook, should the bench be killed first.
 */
final class Dnsmasq implements AutoCloseable {
    private static final int START_ATTEMPTS = 5;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);

    private final Process process;
    private final int port;
    private final Thread stopAtExit;

    private Dnsmasq(Process process, int port) {
        this.process = process;
        this.port = port;
        this.stopAtExit = new Thread(process::destroyForcibly, "dnsmasq-stop");
        Runtime.getRuntime().addShutdownHook(stopAtExit);
    }

    /**
     * Serves {@code hosts} ({@code address name} lines), ready once it answers {@code probe} with an address.
     * The port is one found free just before; should another process take it first, another is tried.
     */
    static Dnsmasq serve(Path hosts, String probe, Path log) throws IOException, InterruptedException {
        IOException last = null;
        for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
            int port = freeUdpPort();
            Process p = new ProcessBuilder(program(), "--keep-in-foreground", "--conf-file=/dev/null", "--pid-file=",
                    "--no-resolv", "--no-hosts", "--addn-hosts=" + hosts, "--port=" + port, "--listen-address=127.0.0.1",
                    "--bind-interfaces", "--log-facility=-")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            Dnsmasq dnsmasq = new Dnsmasq(p, port);
            try {
                dnsmasq.awaitAnswer(probe);
                return dnsmasq;
            } catch (IOException e) {
                dnsmasq.close();
                last = e;
            }
        }
        throw new IOException("dnsmasq did not start (see " + log + ")", last);
    }

    int port() {
        return port;
    }

    private void awaitAnswer(String name) throws IOException, InterruptedException {
        SimpleResolver resolver = new SimpleResolver(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        resolver.setTimeout(Duration.ofMillis(500));
        Message query = Message.newQuery(Record.newRecord(Name.fromString(name, Name.root), Type.A, DClass.IN));
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) throw new IOException("dnsmasq exited with " + process.exitValue());
            try {
                Message answer = resolver.send(query);
                if (answer.getRcode() == Rcode.NOERROR && !answer.getSection(Section.ANSWER).isEmpty()) return;
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new IOException("dnsmasq did not answer " + name + " within " + READY_TIMEOUT);
    }

    /** Debian installs it in /usr/sbin, which a non-root PATH often lacks. */
    private static String program() {
        Path sbin = Path.of("/usr/sbin/dnsmasq");
        return Files.isExecutable(sbin) ? sbin.toString() : "dnsmasq";
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        try {
            Runtime.getRuntime().removeShutdownHook(stopAtExit);
        } catch (IllegalStateException exiting) {
            // already shutting down: the hook runs, harmlessly
        }
    }
}
