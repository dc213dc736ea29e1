package org.cypmh.gateway.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay on a free loopback port to one target (the PostgreSQL server), so a test can take the
 * database away from a gateway without touching the server other builds use: {@link #cut()} closes
 * every relayed connection and turns new ones away (accepted and closed at once, as a server that
 * is down or restarting would), {@link #restore()} relays again.
 */
final class TcpProxy implements AutoCloseable {

  private final ServerSocket listener;
  private final InetSocketAddress target;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean cut;
  private volatile boolean closed;

  private TcpProxy(ServerSocket listener, InetSocketAddress target) {
    this.listener = listener;
    this.target = target;
  }

  static TcpProxy to(String host, int port) throws IOException {
    ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    TcpProxy proxy = new TcpProxy(listener, new InetSocketAddress(host, port));
    Thread acceptor = new Thread(proxy::acceptLoop, "tcp-proxy-accept-" + listener.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
    return proxy;
  }

  int port() {
    return listener.getLocalPort();
  }

  /** Drops every connection now and refuses new ones until {@link #restore()}. */
  void cut() {
    cut = true;
    open.forEach(TcpProxy::closeQuietly);
    open.clear();
  }

  void restore() {
    cut = false;
  }

  @Override
  public void close() {
    closed = true;
    cut();
    closeQuietly(listener);
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return;
      }
      if (cut) {
        closeQuietly(client);
        continue;
      }
      try {
        Socket server = new Socket();
        server.connect(target, 5_000);
        open.add(client);
        open.add(server);
        pump(client, server);
        pump(server, client);
        if (cut) {
          // Cut while connecting: do not let this one slip through.
          closeQuietly(client);
          closeQuietly(server);
        }
      } catch (IOException e) {
        closeQuietly(client);
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread pump =
        new Thread(
            () -> {
              byte[] buffer = new byte[16 * 1024];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                for (int read; (read = in.read(buffer)) >= 0; ) {
                  out.write(buffer, 0, read);
                  out.flush();
                }
              } catch (IOException endOfConnection) {
                // One side closed or was cut: close both below.
              } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
              }
            },
            "tcp-proxy-pump");
    pump.setDaemon(true);
    pump.start();
  }

  private static void closeQuietly(java.io.Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException alreadyGone) {
      // Closing is all we wanted.
    }
  }
}
