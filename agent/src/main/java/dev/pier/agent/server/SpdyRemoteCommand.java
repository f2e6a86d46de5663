package dev.pier.agent.server;

import dev.pier.agent.cri.Streams;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdyPingFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyPingFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdyVersion;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.NetSocket;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bridges a {@code v5.channel.k8s.io} WebSocket (kubectl exec, attach, cp through the API server)
 * to containerd's streaming server, which speaks the older remote command protocol
 * {@code v4.channel.k8s.io} over SPDY/3.1: one SPDY stream per channel, opened by this side as the
 * client (error, stdin, stdout, stderr, resize). SPDY is what lets stdin end while output goes on
 * (v5's {@code [255, 0]} becomes a FIN on the stdin stream); containerd's v4 WebSocket cannot.
 *
 * <p>containerd writes the command's outcome (a metav1.Status, with the exit code as a cause) on
 * the error stream and closes the connection; that Status goes out on channel 3 and the WebSocket
 * closes normally, which is how kubectl learns the exit code. The SPDY frames are encoded and
 * decoded by Netty's codec on an embedded channel; the bytes travel on Vert.x sockets. SPDY flow
 * control is not used: containerd's spdystream ignores window updates.
 */
final class SpdyRemoteCommand {
  static final String PROTOCOL = "v4.channel.k8s.io";
  private static final Logger LOG = LoggerFactory.getLogger(SpdyRemoteCommand.class);
  private static final byte[] NO_STATUS = ("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
      + "\"message\":\"the runtime ended the stream without a status\",\"reason\":\"InternalError\",\"code\":500}")
      .getBytes(StandardCharsets.UTF_8);

  private final ServerWebSocket client;
  private final NetSocket runtime;
  private final EmbeddedChannel codec = new EmbeddedChannel(new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
  private final Map<Integer, Integer> channelOfStream = new HashMap<>();
  private final ByteArrayOutputStream status = new ByteArrayOutputStream();
  private int stdinStream;
  private int resizeStream;
  private boolean ended;
  /**
   * Stdin the client sent before the runtime accepted the stdin stream (its SYN_REPLY): held back, as a
   * SPDY client's CreateStream waits for the reply, or the runtime may not yet read the stream when its
   * data and FIN arrive, and the command never sees the end of its input.
   */
  private final List<DefaultSpdyDataFrame> heldStdin = new ArrayList<>();
  private boolean stdinAccepted;

  private SpdyRemoteCommand(ServerWebSocket client, NetSocket runtime) {
    this.client = client;
    this.runtime = runtime;
  }

  /** Starts relaying; {@code runtime} must already have switched to SPDY with {@link #PROTOCOL}. */
  static void bridge(ServerWebSocket client, RuntimeStreams.Upgraded runtime, Streams streams) {
    new SpdyRemoteCommand(client, runtime.socket()).start(streams, runtime.early());
  }

  private synchronized void start(Streams streams, Buffer early) {
    int id = 1; // a SPDY client's streams have odd ids, in creation order
    open(id, "error", ChannelProtocols.ERROR);
    if (streams.stdin()) open(stdinStream = id += 2, "stdin", ChannelProtocols.STDIN);
    if (streams.stdout()) open(id += 2, "stdout", ChannelProtocols.STDOUT);
    if (streams.stderr()) open(id += 2, "stderr", ChannelProtocols.STDERR);
    if (streams.tty()) open(resizeStream = id += 2, "resize", ChannelProtocols.RESIZE);
    flush();
    runtime.handler(this::fromRuntime);
    runtime.closeHandler(v -> end());
    runtime.exceptionHandler(e -> LOG.debug("Runtime stream failed", e));
    client.binaryMessageHandler(this::fromClient);
    client.closeHandler(v -> runtime.close());
    client.exceptionHandler(e -> LOG.debug("Client stream failed", e));
    if (early.length() > 0) fromRuntime(early);
    runtime.resume();
    client.resume();
  }

  private void open(int streamId, String type, int channel) {
    DefaultSpdySynStreamFrame syn = new DefaultSpdySynStreamFrame(streamId, 0, (byte) 0);
    syn.headers().set("streamtype", type);
    codec.writeOutbound(syn);
    channelOfStream.put(streamId, channel);
  }

  private synchronized void fromClient(Buffer message) {
    if (message.length() == 0 || ended) return;
    int channel = message.getUnsignedByte(0);
    if (channel == ChannelProtocols.STDIN && stdinStream != 0) {
      toStdin(new DefaultSpdyDataFrame(stdinStream, Unpooled.wrappedBuffer(message.getBytes(1, message.length()))));
    } else if (channel == ChannelProtocols.RESIZE && resizeStream != 0) {
      codec.writeOutbound(new DefaultSpdyDataFrame(resizeStream, Unpooled.wrappedBuffer(message.getBytes(1, message.length()))));
    } else if (channel == ChannelProtocols.CLOSE && message.length() > 1 && message.getUnsignedByte(1) == ChannelProtocols.STDIN
        && stdinStream != 0) {
      DefaultSpdyDataFrame fin = new DefaultSpdyDataFrame(stdinStream);
      fin.setLast(true);
      toStdin(fin);
    }
    flush();
  }

  private void toStdin(DefaultSpdyDataFrame frame) {
    if (stdinAccepted) {
      codec.writeOutbound(frame);
    } else {
      heldStdin.add(frame);
    }
  }

  private synchronized void fromRuntime(Buffer bytes) {
    codec.writeInbound(Unpooled.wrappedBuffer(bytes.getBytes()));
    for (Object frame; (frame = codec.readInbound()) != null; ) {
      if (frame instanceof SpdyDataFrame data) {
        try {
          Integer channel = channelOfStream.get(data.streamId());
          ByteBuf content = data.content();
          if (channel == null || !content.isReadable()) continue;
          byte[] payload = new byte[content.readableBytes()];
          content.readBytes(payload);
          if (channel == ChannelProtocols.ERROR) {
            status.writeBytes(payload);
          } else {
            client.writeBinaryMessage(Buffer.buffer(payload.length + 1).appendByte((byte) (int) channel).appendBytes(payload));
          }
        } finally {
          data.release();
        }
      } else if (frame instanceof SpdyPingFrame ping) {
        codec.writeOutbound(new DefaultSpdyPingFrame(ping.id())); // answer the runtime's pings
      } else if (frame instanceof SpdySynReplyFrame reply && reply.streamId() == stdinStream && !stdinAccepted) {
        stdinAccepted = true;
        heldStdin.forEach(codec::writeOutbound);
        heldStdin.clear();
      } else if (frame instanceof SpdyRstStreamFrame reset) {
        LOG.debug("Runtime reset stream {}: {}", reset.streamId(), reset.status());
      }
      // other SYN_REPLYs, SETTINGS, WINDOW_UPDATE and GOAWAY need nothing from this side
    }
    flush();
  }

  private void flush() {
    for (Object out; (out = codec.readOutbound()) != null; ) {
      ByteBuf buf = (ByteBuf) out;
      try {
        byte[] b = new byte[buf.readableBytes()];
        buf.readBytes(b);
        runtime.write(Buffer.buffer(b));
      } finally {
        buf.release();
      }
    }
  }

  /** The runtime closed the connection: the command is over, and its Status is complete. */
  private synchronized void end() {
    if (ended) return;
    ended = true;
    // v4 always ends with a Status, Success included: none means the runtime failed
    byte[] outcome = status.size() == 0 ? NO_STATUS : status.toByteArray();
    client.writeBinaryMessage(Buffer.buffer(outcome.length + 1).appendByte((byte) ChannelProtocols.ERROR).appendBytes(outcome))
        .onComplete(v -> client.close((short) 1000));
    codec.finishAndReleaseAll();
  }
}
