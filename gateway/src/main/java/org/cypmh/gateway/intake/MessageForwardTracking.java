package org.cypmh.gateway.intake;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.time.Clock;
import org.cypmh.gateway.fhir.FhirServerInterceptor;
import org.cypmh.routes.api.Outbox;
import org.cypmh.routes.api.OutboxEventType;
import org.cypmh.routes.api.OutboxMessage;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.springframework.stereotype.Component;

/**
 * A BaRS message the gateway passes on (a booking request or response): the outbox event that sends
 * it to its service is written in the transaction that stores the message, so a kept message is
 * always passed on, whatever crashes afterwards.
 */
@Component
class MessageForwardTracking implements FhirServerInterceptor {

  private static final String FORWARD_TO = MessageForwardTracking.class.getName() + ".service";

  private final Clock clock;

  private final Outbox outbox;

  MessageForwardTracking(Clock clock, Outbox outbox) {
    this.outbox = outbox;
    this.clock = clock;
  }

  /** The message this request stores is to be passed on to this directory service. */
  static void forwardTo(RequestDetails request, String serviceId) {
    request.getUserData().put(FORWARD_TO, serviceId);
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
  void created(IBaseResource resource, RequestDetails request) {
    if (request == null
        || !(request.getUserData().get(FORWARD_TO) instanceof String service)
        || !(resource instanceof Bundle message)
        || message.getType() != Bundle.BundleType.MESSAGE) {
      return;
    }
    outbox.publish(
        OutboxMessage.of(
                OutboxEventType.MESSAGE_RECEIVED,
                message.getIdElement().toUnqualified().getValue(),
                clock.instant())
            .targetedAt(service));
  }
}
