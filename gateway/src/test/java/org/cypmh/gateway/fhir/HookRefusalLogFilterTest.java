package org.cypmh.gateway.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.spi.FilterReply;
import org.junit.jupiter.api.Test;

/** Which of HAPI's reports of hook exceptions are dropped: deliberate refusals (4xx) only. */
class HookRefusalLogFilterTest {

  private static final String HAPI_FORMAT = "Exception thrown by interceptor for pointcut {}: {}";

  private final LoggerContext context = new LoggerContext();
  private final Logger hapiHooks = context.getLogger(HookRefusalLogFilter.HAPI_HOOKS);
  private final HookRefusalLogFilter filter = new HookRefusalLogFilter();

  @Test
  void aRefusalThatHapiReportsAsAnErrorIsDropped() {
    UnprocessableEntityException invalid = new UnprocessableEntityException("not a CYPMH referral");

    assertThat(decide(hapiHooks, Level.ERROR, invalid)).isEqualTo(FilterReply.DENY);
    assertThat(decide(hapiHooks, Level.ERROR, new ForbiddenOperationException("scopes")))
        .isEqualTo(FilterReply.DENY);
  }

  @Test
  void aServerErrorOrABugThrownByAHookIsStillLogged() {
    assertThat(decide(hapiHooks, Level.ERROR, new InternalErrorException("broken")))
        .isEqualTo(FilterReply.NEUTRAL);
    assertThat(decide(hapiHooks, Level.ERROR, new IllegalStateException("bug")))
        .isEqualTo(FilterReply.NEUTRAL);
  }

  @Test
  void otherLoggersAndLevelsAreLeftAlone() {
    UnprocessableEntityException invalid = new UnprocessableEntityException("not a CYPMH referral");

    assertThat(decide(context.getLogger("org.cypmh.gateway"), Level.ERROR, invalid))
        .isEqualTo(FilterReply.NEUTRAL);
    assertThat(decide(hapiHooks, Level.WARN, invalid)).isEqualTo(FilterReply.NEUTRAL);
  }

  /** As HAPI calls it: the exception as the last of the message's arguments. */
  private FilterReply decide(Logger logger, Level level, Throwable thrown) {
    return filter.decide(
        null,
        logger,
        level,
        HAPI_FORMAT,
        new Object[] {"A_POINTCUT", thrown.toString(), thrown},
        null);
  }
}
