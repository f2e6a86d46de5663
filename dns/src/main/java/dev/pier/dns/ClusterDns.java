package dev.pier.dns;

import org.xbill.DNS.Message;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;

import java.util.function.UnaryOperator;

/** One cell's resolver: the cluster's names from its objects, every other name forwarded upstream. */
final class ClusterDns implements UnaryOperator<Message> {
    private final ClusterRecords records;
    private final ClusterView view;
    private final Forwarder forwarder;

    ClusterDns(ClusterRecords records, ClusterView view, Forwarder forwarder) {
        this.records = records;
        this.view = view;
        this.forwarder = forwarder;
    }

    @Override
    public Message apply(Message query) {
        if (query.getHeader().getOpcode() != Opcode.QUERY) return Responses.to(query, Rcode.NOTIMP);
        if (query.getQuestion() == null) return Responses.to(query, Rcode.FORMERR);
        return records.answer(query, view).orElseGet(() -> forwarder.forward(query));
    }
}
