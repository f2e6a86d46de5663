package dev.pier.dns;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A DNS server on one address and port, UDP and TCP (resolvers retry truncated answers over TCP). Each
 * query is answered on a virtual thread, since a forwarded one waits for the upstream. Each answered query is
 * reported to the server's listener as an {@link Exchange} (for metrics), on the thread that answered it.
 */
public final class DnsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DnsServer.class);
    private static final int TCP_IDLE_MILLIS = 10_000;
    private static final int BIND_ATTEMPTS = 20;

    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final UnaryOperator<Message> handler;
    private final Consumer<Exchange> listener;
    /** {@code dns://address:port}, as CoreDNS names its servers in metrics. */
    private final String name;
    private volatile boolean closed;

    private DnsServer(DatagramSocket udp, ServerSocket tcp, UnaryOperator<Message> handler, Consumer<Exchange> listener) {
        this.udp = udp;
        this.tcp = tcp;
        this.handler = handler;
        this.listener = listener;
        this.name = "dns://" + udp.getLocalAddress().getHostAddress() + ":" + udp.getLocalPort();
    }

    /** @param port 0 for a free port, the same for UDP and TCP */
    public static DnsServer start(InetAddress address, int port, UnaryOperator<Message> handler) {
        return start(address, port, handler, exchange -> { });
    }

    /**
     * @param port     0 for a free port, the same for UDP and TCP
     * @param listener told of every query answered; must be quick, it runs before the response is sent
     */
    static DnsServer start(InetAddress address, int port, UnaryOperator<Message> handler, Consumer<Exchange> listener) {
        for (int attempt = 1; ; attempt++) {
            DatagramSocket udp = null;
            try {
                udp = new DatagramSocket(new InetSocketAddress(address, port));
                ServerSocket tcp = new ServerSocket();
                tcp.setReuseAddress(true);
                try {
                    tcp.bind(new InetSocketAddress(address, udp.getLocalPort()));
                } catch (IOException e) {
                    tcp.close();
                    throw e;
                }
                DnsServer server = new DnsServer(udp, tcp, handler, listener);
                Thread.ofPlatform().daemon().name("dns-udp-" + udp.getLocalPort()).start(server::serveUdp);
                Thread.ofPlatform().daemon().name("dns-tcp-" + udp.getLocalPort()).start(server::serveTcp);
                return server;
            } catch (IOException e) {
                if (udp != null) udp.close();
                // a free UDP port may be taken for TCP: try another, unless the caller named the port
                if (port != 0 || !(e instanceof BindException) || attempt >= BIND_ATTEMPTS) {
                    throw new UncheckedIOException("cannot serve DNS on " + address.getHostAddress() + ":" + port, e);
                }
            }
        }
    }

    public int port() {
        return udp.getLocalPort();
    }

    public InetAddress address() {
        return udp.getLocalAddress();
    }

    private void serveUdp() {
        byte[] buffer = new byte[65_535];
        while (!closed) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                udp.receive(packet);
            } catch (IOException e) {
                if (!closed) LOG.warn("DNS over UDP stopped: {}", e.toString());
                return;
            }
            byte[] query = Arrays.copyOf(packet.getData(), packet.getLength());
            var client = (InetSocketAddress) packet.getSocketAddress();
            Thread.startVirtualThread(() -> {
                long start = System.nanoTime();
                Message q = parse(query);
                if (q == null) return; // not even a header: nothing to answer to
                Message response = respond(q);
                byte[] wire = response.toWire(udpLimit(q)); // truncates and sets TC past the limit
                report(Exchange.Transport.UDP, client.getAddress(), q, response, start);
                try {
                    udp.send(new DatagramPacket(wire, wire.length, client));
                } catch (IOException e) {
                    if (!closed) LOG.debug("cannot answer {}: {}", client, e.toString());
                }
            });
        }
    }

    private void serveTcp() {
        while (!closed) {
            Socket socket;
            try {
                socket = tcp.accept();
            } catch (IOException e) {
                if (!closed) LOG.warn("DNS over TCP stopped: {}", e.toString());
                return;
            }
            Thread.startVirtualThread(() -> serveConnection(socket));
        }
    }

    /** Length-prefixed messages (RFC 1035 4.2.2) until the client closes or idles. */
    private void serveConnection(Socket socket) {
        try (socket) {
            socket.setSoTimeout(TCP_IDLE_MILLIS);
            var in = new DataInputStream(socket.getInputStream());
            var out = new DataOutputStream(socket.getOutputStream());
            while (!closed) {
                int length;
                try {
                    length = in.readUnsignedShort();
                } catch (EOFException e) {
                    return;
                }
                byte[] query = in.readNBytes(length);
                long start = System.nanoTime();
                Message q = parse(query);
                if (q == null) return;
                Message response = respond(q);
                byte[] wire = response.toWire(65_535);
                report(Exchange.Transport.TCP, socket.getInetAddress(), q, response, start);
                out.writeShort(wire.length);
                out.write(wire);
                out.flush();
            }
        } catch (SocketException e) {
            // the client went away
        } catch (IOException e) {
            LOG.debug("DNS over TCP: {}", e.toString());
        }
    }

    private Message respond(Message query) {
        try {
            return handler.apply(query);
        } catch (RuntimeException e) {
            LOG.warn("cannot answer {}", query.getQuestion(), e);
            return Responses.to(query, Rcode.SERVFAIL);
        }
    }

    private void report(Exchange.Transport transport, InetAddress client, Message query, Message response, long startNanos) {
        try {
            listener.accept(new Exchange(name, transport, client, query, response, System.nanoTime() - startNanos));
        } catch (RuntimeException e) {
            LOG.warn("cannot record a DNS query", e); // metrics must never cost an answer
        }
    }

    private static Message parse(byte[] wire) {
        try {
            return new Message(wire);
        } catch (IOException e) {
            if (wire.length < 12) return null;
            // answer FORMERR to a header we can read
            Message header = new Message(((wire[0] & 0xff) << 8) | (wire[1] & 0xff));
            header.getHeader().setRcode(Rcode.FORMERR);
            header.getHeader().setFlag(org.xbill.DNS.Flags.QR);
            return header;
        }
    }

    /** 512 bytes, or what the client's EDNS record allows (up to ours). */
    private static int udpLimit(Message query) {
        OPTRecord opt = query.getOPT();
        if (opt == null) return 512;
        return Math.max(512, Math.min(opt.getPayloadSize(), Responses.EDNS_PAYLOAD));
    }

    @Override
    public void close() {
        closed = true;
        udp.close();
        try {
            tcp.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
