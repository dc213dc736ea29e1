package org.cypmh.routes.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.cypmh.routes.NotingTransactions;
import org.cypmh.routes.api.ClaimedEvent;
import org.cypmh.routes.api.OutboxEventType;
import org.cypmh.routes.api.OutboxHandler;
import org.cypmh.routes.api.OutboxMessage;
import org.cypmh.routes.api.RoutesProperties;
import org.cypmh.routes.routing.ReferralRouter;
import org.junit.jupiter.api.Test;

/**
 * One handler per outbox event type, checked when the engine starts; each claimed event goes to the
 * handler of its type, a batch of events in one transaction, and a failure leaves the event that
 * failed to be tried again, the others of its batch routed on their own. The claims are a small
 * in-memory stand-in for the database.
 */
class OutboxDispatchTest {

  private static final Instant CREATED = Instant.parse("2026-11-24T12:00:00Z");

  private final InMemoryClaims claims = new InMemoryClaims();
  private final NotingTransactions transactions = new NotingTransactions(claims::ended);

  @Test
  void startsWithExactlyOneHandlerForEveryEventType() {
    List<OutboxHandler> handlers = handlersForAll();

    assertThat(handlers).hasSize(7);
    new OutboxDispatch(claims, transactions, handlers);
  }

  @Test
  void twoHandlersForOneTypeRefuseToStartNamingBoth() {
    List<OutboxHandler> handlers = handlersForAll();
    handlers.add(new Duplicate(OutboxEventType.CONSENT_CHANGED));

    assertThatThrownBy(() -> new OutboxDispatch(claims, transactions, handlers))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "Two outbox handlers for CONSENT_CHANGED:"
                + " org.cypmh.routes.outbox.OutboxDispatchTest$Recording and"
                + " org.cypmh.routes.outbox.OutboxDispatchTest$Duplicate");
  }

  @Test
  void aTypeWithoutAHandlerRefusesToStartNamingIt() {
    List<OutboxHandler> handlers = handlersForAll();
    handlers.removeIf(h -> h.handles() == OutboxEventType.MESSAGE_RECEIVED);

    assertThatThrownBy(() -> new OutboxDispatch(claims, transactions, handlers))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("No outbox handler for MESSAGE_RECEIVED");
  }

  @Test
  void noHandlersAtAllNamesTheFirstTypeMissing() {
    assertThatThrownBy(() -> new OutboxDispatch(claims, transactions, List.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("No outbox handler for REFERRAL_ACCEPTED");
  }

  @Test
  void anEventGoesOnlyToTheHandlerOfItsTypeAndIsDoneWithWhatItStored() {
    List<OutboxHandler> handlers = handlersForAll();
    Recording consent = handler(handlers, OutboxEventType.CONSENT_CHANGED);
    consent.answer = event -> List.of(11L, 12L);
    claims.add(
        5L,
        OutboxMessage.of(OutboxEventType.CONSENT_CHANGED, "Patient/yp-1", CREATED)
            .tracking("Task/9")
            .targetedAt("camhs-crisis"));
    OutboxDispatch dispatch = new OutboxDispatch(claims, transactions, handlers);

    assertThat(dispatch.route(5L)).containsExactly(11L, 12L);

    assertThat(consent.seen).containsExactly("CONSENT_CHANGED Patient/yp-1 Task/9 camhs-crisis");
    assertThat(handlers)
        .filteredOn(h -> h != consent)
        .allMatch(h -> ((Recording) h).seen.isEmpty());
    assertThat(claims.done(5L)).isTrue();
    assertThat(transactions.log).containsExactly("begin", "commit");
    assertThat(claims.failures).isEmpty();
  }

  @Test
  void anEventAnotherNodeFinishedIsNotHandledAgain() {
    List<OutboxHandler> handlers = handlersForAll();
    claims.addDone(
        5L, OutboxMessage.of(OutboxEventType.REFERRAL_ACCEPTED, "ServiceRequest/1", CREATED));
    OutboxDispatch dispatch = new OutboxDispatch(claims, transactions, handlers);

    assertThat(dispatch.route(5L)).isEmpty();
    assertThat(handler(handlers, OutboxEventType.REFERRAL_ACCEPTED).seen).isEmpty();
  }

  @Test
  void aRoutingFailureIsRolledBackAndRecordedWithItsMessageForARetry() {
    List<OutboxHandler> handlers = handlersForAll();
    handler(handlers, OutboxEventType.REFERRAL_ACCEPTED).answer =
        event -> {
          throw new ReferralRouter.RoutingFailed("Route crisis failed", null);
        };
    claims.add(
        5L, OutboxMessage.of(OutboxEventType.REFERRAL_ACCEPTED, "ServiceRequest/1", CREATED));
    OutboxDispatch dispatch = new OutboxDispatch(claims, transactions, handlers);

    // A batch of one is routed as that one event.
    assertThat(dispatch.route(List.of(5L))).isEmpty();

    assertThat(claims.failures).containsExactly("5: Route crisis failed");
    assertThat(claims.done(5L)).isFalse();
    assertThat(transactions.log).containsExactly("begin", "rollback");
  }

  @Test
  void anyOtherFailureIsRecordedByItsClassOnlyNeverItsMessage() {
    List<OutboxHandler> handlers = handlersForAll();
    handler(handlers, OutboxEventType.REFERRAL_UPDATED).answer =
        event -> {
          throw new IllegalArgumentException("NHS number 9000000009 is invalid");
        };
    claims.add(6L, OutboxMessage.of(OutboxEventType.REFERRAL_UPDATED, "ServiceRequest/1", CREATED));
    OutboxDispatch dispatch = new OutboxDispatch(claims, transactions, handlers);

    assertThat(dispatch.route(6L)).isEmpty();

    assertThat(claims.failures).containsExactly("6: IllegalArgumentException");
  }

  @Test
  void aGroupedEventBringsTheOtherPendingEventsOfItsGroupAndAllAreDone() {
    List<OutboxHandler> handlers = handlersForAll();
    Recording interventions = handler(handlers, OutboxEventType.INTERVENTION_RECORDED);
    List<String> focuses = new ArrayList<>();
    interventions.answer =
        event -> {
          focuses.addAll(event.groupFocuses());
          return List.of();
        };
    claims.add(
        7L,
        OutboxMessage.of(OutboxEventType.INTERVENTION_RECORDED, "Procedure/1/_history/1", CREATED)
            .groupedAs("Patient/yp-1|2026-11-24", CREATED));
    claims.add(
        8L,
        OutboxMessage.of(OutboxEventType.INTERVENTION_RECORDED, "Procedure/2/_history/1", CREATED)
            .groupedAs("Patient/yp-1|2026-11-24", CREATED));
    OutboxDispatch dispatch = new OutboxDispatch(claims, transactions, handlers);

    dispatch.route(7L);

    assertThat(focuses).containsExactly("Procedure/1/_history/1", "Procedure/2/_history/1");
    assertThat(claims.done(7L)).isTrue();
    assertThat(claims.done(8L)).isTrue();
  }

  @Test
  void anUngroupedEventIsItsOwnGroup() {
    List<OutboxHandler> handlers = handlersForAll();
    List<String> focuses = new ArrayList<>();
    handler(handlers, OutboxEventType.TRANSITION_PLAN_AGREED).answer =
        event -> {
          focuses.addAll(event.groupFocuses());
          return List.of();
        };
    claims.add(
        9L,
        OutboxMessage.of(OutboxEventType.TRANSITION_PLAN_AGREED, "CarePlan/1/_history/2", CREATED));
    OutboxDispatch dispatch = new OutboxDispatch(claims, transactions, handlers);

    dispatch.route(9L);

    assertThat(focuses).containsExactly("CarePlan/1/_history/2");
  }

  @Test
  void aBatchOfEventsIsRoutedInOneTransactionAndEveryEventIsDone() {
    List<OutboxHandler> handlers = handlersForAll();
    Recording referrals = handler(handlers, OutboxEventType.REFERRAL_ACCEPTED);
    referrals.answer = event -> List.of(100L + Long.parseLong(event.focus().substring(15)));
    threeReferralsAccepted();
    OutboxDispatch dispatch = new OutboxDispatch(claims, transactions, handlers);

    assertThat(dispatch.route(List.of(5L, 6L, 7L))).containsExactly(101L, 102L, 103L);

    assertThat(transactions.log).containsExactly("begin", "commit");
    assertThat(referrals.seen)
        .containsExactly(
            "REFERRAL_ACCEPTED ServiceRequest/1 null null",
            "REFERRAL_ACCEPTED ServiceRequest/2 null null",
            "REFERRAL_ACCEPTED ServiceRequest/3 null null");
    assertThat(List.of(claims.done(5L), claims.done(6L), claims.done(7L)))
        .containsExactly(true, true, true);
  }

  @Test
  void oneFailingEventRollsItsBatchBackAndTheOthersAreRoutedOnTheirOwn() {
    List<OutboxHandler> handlers = handlersForAll();
    handler(handlers, OutboxEventType.REFERRAL_ACCEPTED).answer =
        event -> {
          if (event.focus().equals("ServiceRequest/2")) {
            throw new ReferralRouter.RoutingFailed("Route crisis failed", null);
          }
          return List.of(100L + Long.parseLong(event.focus().substring(15)));
        };
    threeReferralsAccepted();
    OutboxDispatch dispatch = new OutboxDispatch(claims, transactions, handlers);

    assertThat(dispatch.route(List.of(5L, 6L, 7L))).containsExactly(101L, 103L);

    assertThat(transactions.log)
        .containsExactly(
            "begin", "rollback", "begin", "commit", "begin", "rollback", "begin", "commit");
    assertThat(claims.failures).containsExactly("6: Route crisis failed");
    assertThat(List.of(claims.done(5L), claims.done(6L), claims.done(7L)))
        .containsExactly(true, false, true);
  }

  @Test
  void claimedEventsAreSplitIntoOneRunOfConsecutiveIdsPerRoutingThread() {
    assertThat(OutboxRoute.batches(List.of(1L, 2L, 3L, 4L, 5L), 2))
        .containsExactly(List.of(1L, 2L, 3L), List.of(4L, 5L));
    assertThat(OutboxRoute.batches(List.of(1L), 2)).containsExactly(List.of(1L));
    assertThat(OutboxRoute.batches(List.of(), 2)).isEmpty();
  }

  /** Events 5, 6 and 7: referrals ServiceRequest/1, 2 and 3 accepted. */
  private void threeReferralsAccepted() {
    for (long n = 1; n <= 3; n++) {
      claims.add(
          4 + n,
          OutboxMessage.of(OutboxEventType.REFERRAL_ACCEPTED, "ServiceRequest/" + n, CREATED));
    }
  }

  private static List<OutboxHandler> handlersForAll() {
    return new ArrayList<>(Arrays.stream(OutboxEventType.values()).map(Recording::new).toList());
  }

  private static Recording handler(List<OutboxHandler> handlers, OutboxEventType type) {
    return (Recording) handlers.stream().filter(h -> h.handles() == type).findFirst().orElseThrow();
  }

  /** A handler that notes what it was given and answers as told. */
  static class Recording implements OutboxHandler {
    private final OutboxEventType type;
    final List<String> seen = new ArrayList<>();
    Function<ClaimedEvent, List<Long>> answer = event -> List.of();

    Recording(OutboxEventType type) {
      this.type = type;
    }

    @Override
    public OutboxEventType handles() {
      return type;
    }

    @Override
    public List<Long> handle(ClaimedEvent event) {
      seen.add(
          event.type() + " " + event.focus() + " " + event.task() + " " + event.targetService());
      return answer.apply(event);
    }
  }

  static final class Duplicate extends Recording {
    Duplicate(OutboxEventType type) {
      super(type);
    }
  }

  /**
   * The claims without a database: what is committed (each event's message, and whether it is
   * done), and each transaction's own copies of the events it locked, kept on commit and dropped on
   * rollback as a database would; failures noted.
   */
  private static final class InMemoryClaims extends OutboxClaims {
    private final Map<Long, OutboxMessage> messages = new TreeMap<>();
    private final Set<Long> done = new HashSet<>();
    private final Map<Long, OutboxEvent> locked = new HashMap<>();
    final List<String> failures = new ArrayList<>();

    InMemoryClaims() {
      super(
          new NotingTransactions(),
          Clock.systemUTC(),
          new RoutesProperties(
              true,
              null,
              new RoutesProperties.Outbox(
                  Duration.ofMillis(200), 20, 2, Duration.ofMinutes(1), Duration.ofSeconds(30)),
              null,
              null));
    }

    void add(long id, OutboxMessage message) {
      messages.put(id, message);
    }

    void addDone(long id, OutboxMessage message) {
      messages.put(id, message);
      done.add(id);
    }

    boolean done(long id) {
      return done.contains(id);
    }

    void ended(boolean committed) {
      if (committed) {
        locked.forEach(
            (id, event) -> {
              if (event.status() == OutboxEvent.Status.DONE) {
                done.add(id);
              }
            });
      }
      locked.clear();
    }

    private OutboxEvent row(long id) {
      return locked.computeIfAbsent(
          id,
          key -> {
            OutboxEvent event = new OutboxEvent(messages.get(key));
            if (done.contains(key)) {
              event.done();
            }
            return event;
          });
    }

    @Override
    Optional<OutboxEvent> lockPending(long eventId) {
      return messages.containsKey(eventId)
          ? Optional.of(row(eventId)).filter(e -> e.status() == OutboxEvent.Status.PENDING)
          : Optional.empty();
    }

    @Override
    List<OutboxEvent> lockGroup(OutboxEvent event) {
      return messages.keySet().stream()
          .map(this::row)
          .filter(e -> event.groupKey().equals(e.groupKey()))
          .filter(e -> e.status() == OutboxEvent.Status.PENDING)
          .toList();
    }

    @Override
    void failed(long eventId, String error) {
      failures.add(eventId + ": " + error);
    }
  }
}
