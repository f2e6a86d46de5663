package dev.pier.dns;

import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/** Response headers as resolvers expect them: the query's id, question and RD flag, recursion available. */
final class Responses {
    /** The UDP payload we advertise to EDNS clients (the DNS flag day's safe size). */
    static final int EDNS_PAYLOAD = 1232;

    private Responses() {
    }

    static Message to(Message query, int rcode) {
        Message m = new Message(query.getHeader().getID());
        m.getHeader().setFlag(Flags.QR);
        if (query.getHeader().getFlag(Flags.RD)) m.getHeader().setFlag(Flags.RD);
        m.getHeader().setFlag(Flags.RA);
        m.getHeader().setRcode(rcode);
        Record question = query.getQuestion();
        if (question != null) m.addRecord(question, Section.QUESTION);
        if (query.getOPT() != null) m.addRecord(new OPTRecord(EDNS_PAYLOAD, 0, 0), Section.ADDITIONAL);
        return m;
    }
}
