package org.cypmh.gateway.subscription;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.searchparam.matcher.InMemoryMatchResult;
import ca.uhn.fhir.jpa.searchparam.matcher.SearchParamMatcher;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import jakarta.annotation.PostConstruct;
import org.cypmh.gateway.fhir.TaskParties;
import org.cypmh.routes.api.DeliveryRecords;
import org.cypmh.routes.api.ServiceDirectory;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Subscription;
import org.hl7.fhir.r4.model.Subscription.SubscriptionChannelType;
import org.hl7.fhir.r4.model.Task;
import org.springframework.stereotype.Component;

/**
 * R4 Subscriptions on Task and CarePlan (rest-hook): every stored change of a Task or care plan
 * that matches an active subscription's criteria (for Tasks, only those its organisation requested
 * or owns; for care plans, only a subscribing GP practice's own patients, consent permitting:
 * {@link CarePlanSubscribers}) becomes a durable notification delivery, in the transaction that
 * changes the Task, sent and retried like a referral. HAPI's own rest-hook delivery is not used: it
 * queues in memory and gives up after about a minute (hapi-fhir #6002).
 *
 * <p>A subscriber endpoint that requires a client certificate names the configured credentials with
 * the same extension as a directory Endpoint ({@link ServiceDirectory#CREDENTIALS_EXTENSION}).
 *
 * <p>Registered with the storage layer's interceptor service, not the REST server's, so changes
 * made by the gateway itself (delivery feedback, partner messages) notify too.
 */
@Component
class TaskChangeNotifications {

  private final IInterceptorService storageInterceptors;
  private final SearchParamMatcher matcher;
  private final DeliveryRecords deliveries;
  private final FhirContext fhirContext;
  private final CarePlanSubscribers carePlanSubscribers;
  private final TaskParties tasks;
  private final SubscriberOrganisation subscribers;
  private final LiveSubscriptions liveSubscriptions;

  TaskChangeNotifications(
      IInterceptorService storageInterceptors,
      SearchParamMatcher matcher,
      DeliveryRecords deliveries,
      FhirContext fhirContext,
      CarePlanSubscribers carePlanSubscribers,
      TaskParties tasks,
      SubscriberOrganisation subscribers,
      LiveSubscriptions liveSubscriptions) {
    this.storageInterceptors = storageInterceptors;
    this.matcher = matcher;
    this.deliveries = deliveries;
    this.fhirContext = fhirContext;
    this.carePlanSubscribers = carePlanSubscribers;
    this.tasks = tasks;
    this.subscribers = subscribers;
    this.liveSubscriptions = liveSubscriptions;
  }

  @PostConstruct
  void register() {
    storageInterceptors.registerInterceptor(this);
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
  void created(IBaseResource resource) {
    notifySubscribers(resource);
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
  void updated(IBaseResource previous, IBaseResource current) {
    notifySubscribers(current);
  }

  /**
   * A partner's subscription is told only of Tasks its organisation could read: those it requested
   * or receives. The operator's (unstamped) subscriptions see every Task.
   */
  private boolean mayNotify(Subscription subscription, Task task) {
    return SubscriberOrganisation.of(subscription)
        .map(ods -> tasks.involves(task, ods))
        .orElse(true);
  }

  /**
   * A partner's endpoint is asked about again when sending: its organisation's directory Endpoints
   * may have changed since it subscribed.
   */
  private boolean stillReceivesAt(Subscription subscription) {
    return SubscriberOrganisation.of(subscription)
        .map(ods -> subscribers.receivesAt(ods, subscription.getChannel().getEndpoint()))
        .orElse(true);
  }

  private void notifySubscribers(IBaseResource resource) {
    if (!(resource instanceof Task) && !(resource instanceof CarePlan)) {
      return;
    }
    Resource changed = (Resource) resource;
    for (Subscription subscription : liveSubscriptions.restHooks()) {
      if (subscription.getChannel().getType() != SubscriptionChannelType.RESTHOOK
          || !subscription.getCriteria().startsWith(changed.fhirType())) {
        continue;
      }
      InMemoryMatchResult match =
          matcher.match(subscription.getCriteria(), changed, new SystemRequestDetails());
      if (match.matched()
          && stillReceivesAt(subscription)
          && (changed instanceof CarePlan plan
              ? carePlanSubscribers.mayNotify(subscription, plan)
              : mayNotify(subscription, (Task) changed))) {
        String payload =
            subscription.getChannel().hasPayload()
                ? fhirContext.newJsonParser().encodeResourceToString(changed)
                : "";
        deliveries.notifySubscriber(
            subscription.getIdElement().toUnqualifiedVersionless().getValue(),
            subscription.getChannel().getEndpoint(),
            subscription.hasExtension(ServiceDirectory.CREDENTIALS_EXTENSION)
                ? subscription
                    .getExtensionByUrl(ServiceDirectory.CREDENTIALS_EXTENSION)
                    .getValue()
                    .primitiveValue()
                : null,
            changed.getIdElement().toUnqualified().getValue(),
            payload);
      }
    }
  }
}
