package org.cypmh.gateway.fhir;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Keeps HAPI from logging each refused request as an ERROR with a stack trace. HAPI logs every
 * exception an interceptor hook throws ("Exception thrown by interceptor for pointcut ...") before
 * passing it on, including the refusals (4xx) the gateway's own interceptors raise on purpose: a
 * payload that fails validation, a scope refusal, a malformed BaRS header. On a busy node that is
 * an ERROR and a stack trace per partner mistake, which buries real errors and wakes whoever is
 * alerted on them, and the line quotes the refusal's text. The refusal is still answered, audited,
 * and logged once as the request's outcome ({@link RequestOutcomeLog}); anything else a hook throws
 * (a 5xx, a bug) HAPI still logs as before. Installed by {@code logback-spring.xml}.
 */
public class HookRefusalLogFilter extends TurboFilter {

  /** The logger HAPI's interceptor service reports hook exceptions on. */
  static final String HAPI_HOOKS = "ca.uhn.fhir.interceptor.executor.BaseInterceptorService";

  @Override
  public FilterReply decide(
      Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (level != Level.ERROR || logger == null || !HAPI_HOOKS.equals(logger.getName())) {
      return FilterReply.NEUTRAL;
    }
    return refusal(t) || (params != null && params.length > 0 && refusal(params[params.length - 1]))
        ? FilterReply.DENY
        : FilterReply.NEUTRAL;
  }

  private static boolean refusal(Object thrown) {
    return thrown instanceof BaseServerResponseException exception
        && exception.getStatusCode() >= 400
        && exception.getStatusCode() < 500;
  }
}
