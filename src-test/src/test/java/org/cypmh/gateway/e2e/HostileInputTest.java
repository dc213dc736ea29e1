package org.cypmh.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Ten thousand malformed and adversarial requests (see {@link HostileRequests}) against the running
 * gateway, four at a time: none may get a 500, no answer may show a stack trace or an internal
 * class name, the gateway stays healthy, and its heap returns to where it was.
 */
@EmbeddedGateway
class HostileInputTest {

  private static final int REQUESTS = 10_000;

  /** The costly classes (megabyte bodies, thousands of entries) come once in this many requests. */
  private static final int HEAVY_EVERY = 50;

  @LocalServerPort int port;

  @Test
  void noHostileRequestGetsA500OrALeakAndTheGatewayStaysHealthy() throws Exception {
    GatewayClient gateway = new GatewayClient(port);
    List<Function<Random, HttpRequest.Builder>> kinds = HostileRequests.all(gateway);
    long heapBefore = heapAfterGc();
    Map<String, Map<Integer, Integer>> outcomes = Collections.synchronizedMap(new TreeMap<>());
    List<String> failures = Collections.synchronizedList(new ArrayList<>());

    ExecutorService clients = Executors.newFixedThreadPool(4);
    for (int i = 0; i < REQUESTS; i++) {
      int index = i;
      clients.submit(
          () -> {
            Random random = new Random(20261124L + index);
            int kind = kindOf(index, random);
            String name = HostileRequests.NAMES.get(kind);
            HttpResponse<String> response = gateway.send(kinds.get(kind).apply(random));
            String body = response.body() == null ? "" : response.body();
            synchronized (outcomes) {
              outcomes
                  .computeIfAbsent(name, k -> new TreeMap<>())
                  .merge(response.statusCode(), 1, Integer::sum);
            }
            if (response.statusCode() >= 500 || HostileRequests.leaks(body)) {
              failures.add(
                  name
                      + " -> "
                      + response.statusCode()
                      + ": "
                      + body.substring(0, Math.min(300, body.length())));
            }
          });
    }
    clients.shutdown();
    assertThat(clients.awaitTermination(10, TimeUnit.MINUTES)).isTrue();

    System.out.println("hostile requests by class and status: " + outcomes);
    assertThat(outcomes.values().stream().flatMap(m -> m.values().stream()).mapToInt(n -> n).sum())
        .isEqualTo(REQUESTS);
    assertThat(failures).isEmpty();
    HttpResponse<String> health = gateway.send(gateway.request("/actuator/health").GET());
    assertThat(health.body()).contains("\"status\":\"UP\"");
    // Nothing the attack sent is still held: the heap is back near where it started.
    long heapAfter = heapAfterGc();
    System.out.printf(
        "hostile requests: heap after GC %d MB before, %d MB after (allowed: +128 MB)%n",
        heapBefore / (1024 * 1024), heapAfter / (1024 * 1024));
    assertThat(heapAfter).isLessThan(heapBefore + 128L * 1024 * 1024);
  }

  /** Heavy classes once in {@link #HEAVY_EVERY}; the cheap ones share the rest. */
  private static int kindOf(int index, Random random) {
    List<Integer> heavy = HostileRequests.HEAVY;
    if (index % HEAVY_EVERY == 0) {
      return heavy.get((index / HEAVY_EVERY) % heavy.size());
    }
    int kind;
    do {
      kind = random.nextInt(HostileRequests.NAMES.size());
    } while (heavy.contains(kind));
    return kind;
  }

  private static long heapAfterGc() throws InterruptedException {
    Runtime runtime = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return runtime.totalMemory() - runtime.freeMemory();
  }
}
