package dev.pier.cloud.loadbalancer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Stand-ins for nodes: TCP servers on loopback addresses, all on the same port (the "NodePort"),
 * each answering a connection with its own address and closing it. With {@code echoFirstLine},
 * a server first reads one line and sends it back after its address (to see a PROXY header).
 */
final class Backends implements AutoCloseable {
  private final List<ServerSocket> servers = new ArrayList<>();
  private final int port;

  Backends(List<String> addresses, boolean echoFirstLine) {
    int chosen = 0;
    try {
      for (String address : addresses) {
        var server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getByName(address), chosen));
        chosen = server.getLocalPort();
        servers.add(server);
        Thread.ofVirtual().name("backend-" + address).start(() -> serve(server, address, echoFirstLine));
      }
    } catch (IOException e) {
      close();
      throw new UncheckedIOException(e);
    }
    this.port = chosen;
  }

  int port() {
    return port;
  }

  /** Stops the server at {@code address}: HAProxy's checks then fail and connections are refused. */
  void stop(String address) throws IOException {
    for (ServerSocket s : servers) {
      if (s.getInetAddress().getHostAddress().equals(address)) s.close();
    }
  }

  private static void serve(ServerSocket server, String address, boolean echoFirstLine) {
    while (!server.isClosed()) {
      Socket connection;
      try {
        connection = server.accept();
      } catch (IOException closed) {
        return;
      }
      Thread.ofVirtual().start(() -> {
        try (connection) {
          String reply = address + "\n";
          if (echoFirstLine) {
            var in = new BufferedReader(new InputStreamReader(connection.getInputStream(), StandardCharsets.US_ASCII));
            reply += in.readLine() + "\n";
          }
          connection.getOutputStream().write(reply.getBytes(StandardCharsets.US_ASCII));
        } catch (IOException checkOrAbort) {
          // HAProxy's health checks connect and close at once
        }
      });
    }
  }

  /** Connects to {@code host:port} (from {@code source}, if given) and returns what the server sent until it closed. */
  static String fetch(String source, String host, int port, String send) throws IOException {
    try (var socket = new Socket()) {
      if (source != null) socket.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
      socket.setSoTimeout(10_000);
      socket.connect(new InetSocketAddress(InetAddress.getByName(host), port), 10_000);
      if (send != null) socket.getOutputStream().write(send.getBytes(StandardCharsets.US_ASCII));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    }
  }

  @Override
  public void close() {
    for (ServerSocket s : servers) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }
}
