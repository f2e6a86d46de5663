package dev.pier.dns;

import org.xbill.DNS.Message;

import java.net.InetAddress;

/**
 * One query a {@link DnsServer} answered, as it reports it to whoever observes the server (metrics).
 *
 * @param server the server's own name, {@code dns://address:port}
 * @param nanos  from the query read to its response ready to send
 */
record Exchange(String server, Transport transport, InetAddress client, Message query, Message response, long nanos) {

    enum Transport {
        UDP, TCP;

        /** CoreDNS's {@code proto} label. */
        String label() {
            return this == UDP ? "udp" : "tcp";
        }
    }
}
