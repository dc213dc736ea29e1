package org.cypmh.gateway.e2e;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A gateway's memory while under load: heap in use (the actuator's Prometheus {@code
 * jvm_memory_used_bytes}, area heap, summed over pools) sampled every second, and the process's
 * resident set peak ({@code VmHWM} in {@code /proc/<pid>/status}, the kernel's high-water mark
 * since start). Without a local process id (a gateway already running elsewhere) RSS is unknown.
 */
final class GatewayFootprint implements AutoCloseable {

  /** Peak heap since the last reset and peak RSS since start, in MiB; -1 when unknown. */
  record Peaks(long heapMb, long rssMb) {}

  private static final long MIB = 1024 * 1024;

  /** Linux's clock ticks per second for /proc times (USER_HZ, fixed at 100 by the kernel ABI). */
  private static final long USER_HZ = 100;

  private final GatewayClient gateway;
  private final Long pid;
  private final AtomicLong heapPeak = new AtomicLong(-1);
  private volatile long cpuTicksAtReset = -1;
  private final ScheduledExecutorService sampler =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "footprint-sampler");
            thread.setDaemon(true);
            return thread;
          });

  GatewayFootprint(GatewayClient gateway, Long pid) {
    this.gateway = gateway;
    this.pid = pid;
    sampler.scheduleAtFixedRate(this::sample, 0, 1, TimeUnit.SECONDS);
  }

  /** Starts a new heap peak and CPU count (a new phase). */
  void reset() {
    heapPeak.set(-1);
    cpuTicksAtReset = cpuTicks();
    sample();
  }

  /**
   * CPU time (user and system, all threads) the gateway process used since {@link #reset}, in
   * milliseconds; -1 when unknown. Unlike throughput, this barely changes when other processes
   * compete for the cores, so runs on a busy machine still compare.
   */
  long cpuMillisSinceReset() {
    long now = cpuTicks();
    return now < 0 || cpuTicksAtReset < 0 ? -1 : (now - cpuTicksAtReset) * 1000 / USER_HZ;
  }

  /** utime + stime of {@code /proc/<pid>/stat}, in clock ticks; -1 when unknown. */
  private long cpuTicks() {
    if (pid == null) {
      return -1;
    }
    try {
      String stat = Files.readString(Path.of("/proc", pid.toString(), "stat"));
      // Fields after the command name (which may hold spaces) start after its ')'; utime and stime
      // are fields 14 and 15 of the line, i.e. 12th and 13th after it.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  Peaks peaks() {
    sample();
    return new Peaks(heapPeak.get() < 0 ? -1 : heapPeak.get() / MIB, rssPeakMb());
  }

  private void sample() {
    try {
      HttpResponse<String> metrics =
          gateway.send(
              gateway.request("/actuator/prometheus").header("Accept", "text/plain").GET());
      if (metrics.statusCode() != 200) {
        return;
      }
      double heap = 0;
      for (String line : metrics.body().split("\n")) {
        if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
          heap += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
      long used = (long) heap;
      heapPeak.accumulateAndGet(used, Math::max);
    } catch (RuntimeException e) {
      // A missed sample (gateway busy or restarting) only makes the peak less precise.
    }
  }

  private long rssPeakMb() {
    if (pid == null) {
      return -1;
    }
    try {
      for (String line : Files.readAllLines(Path.of("/proc", pid.toString(), "status"))) {
        if (line.startsWith("VmHWM:")) {
          // "VmHWM:   1234567 kB"
          return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
        }
      }
    } catch (IOException e) {
      // The process has gone (or there is no /proc): unknown.
    }
    return -1;
  }

  @Override
  public void close() {
    sampler.shutdownNow();
  }
}
