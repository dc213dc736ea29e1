package org.cypmh.gateway.e2e;

import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A WireMock extension that holds a partner's answer until the test lets it go, so a test can make
 * things happen while the gateway waits for that answer (the interleavings that otherwise show only
 * by chance). A stub opts in with {@code .withTransformers(HeldResponses.NAME)} and {@code
 * .withTransformerParameter(HeldResponses.KEY, key)}.
 */
final class HeldResponses implements ResponseDefinitionTransformerV2 {

  static final String NAME = "held-responses";
  static final String KEY = "hold";

  /** Longest a held answer waits for its release, so a failing test cannot hang the partner. */
  private static final long MAX_HOLD_SECONDS = 60;

  private static final Map<String, Hold> HOLDS = new ConcurrentHashMap<>();

  private record Hold(CountDownLatch arrived, CountDownLatch released) {}

  private static Hold hold(String key) {
    return HOLDS.computeIfAbsent(key, k -> new Hold(new CountDownLatch(1), new CountDownLatch(1)));
  }

  /** Blocks until a request for {@code key} has reached the partner; false if none came. */
  static boolean awaitArrival(String key, long seconds) throws InterruptedException {
    return hold(key).arrived().await(seconds, TimeUnit.SECONDS);
  }

  /** Lets the held answer for {@code key} go to the gateway. */
  static void release(String key) {
    hold(key).released().countDown();
  }

  @Override
  public ResponseDefinition transform(ServeEvent serveEvent) {
    String key = serveEvent.getTransformerParameters().getString(KEY);
    Hold hold = hold(key);
    hold.arrived().countDown();
    try {
      hold.released().await(MAX_HOLD_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return serveEvent.getResponseDefinition();
  }

  @Override
  public String getName() {
    return NAME;
  }

  @Override
  public boolean applyGlobally() {
    return false;
  }
}
