package dev.pier.dns;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.SimpleResolver;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/** Sends the names that are not the cluster's to the host's resolvers, as CoreDNS's {@code forward . /etc/resolv.conf}. */
final class Forwarder {
    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final List<InetSocketAddress> upstreams;
    private final Resolver resolver;
    private final DnsMetrics.Cell metrics;

    Forwarder(List<InetSocketAddress> upstreams) {
        this(upstreams, DnsMetrics.none());
    }

    Forwarder(List<InetSocketAddress> upstreams, DnsMetrics.Cell metrics) {
        this.upstreams = List.copyOf(upstreams);
        this.metrics = metrics;
        this.resolver = upstreams.isEmpty() ? null : new ExtendedResolver(upstreams.stream().<Resolver>map(SimpleResolver::new).toList());
        if (resolver != null) resolver.setTimeout(TIMEOUT);
    }

    /** The host's resolvers, from its resolv.conf. */
    static List<InetSocketAddress> hostResolvers() {
        return ResolverConfig.getCurrentConfig().servers();
    }

    List<InetSocketAddress> upstreams() {
        return upstreams;
    }

    /** The upstream's response, or SERVFAIL when none answers. */
    Message forward(Message query) {
        if (resolver == null) return Responses.to(query, Rcode.SERVFAIL);
        metrics.forwarded();
        try {
            Message response = resolver.send(query.clone());
            metrics.upstreamAnswered(response.getRcode());
            response.getHeader().setID(query.getHeader().getID());
            return response;
        } catch (IOException e) {
            LOG.debug("no upstream answered {}: {}", query.getQuestion(), e.toString());
            return Responses.to(query, Rcode.SERVFAIL);
        }
    }
}
