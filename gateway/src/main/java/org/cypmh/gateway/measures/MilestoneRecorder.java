package org.cypmh.gateway.measures;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import jakarta.annotation.PostConstruct;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.cypmh.gateway.fhir.Caller;
import org.cypmh.gateway.fhir.OrganisationReferences;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Task;
import org.springframework.stereotype.Component;

/**
 * Records referral milestones as Tasks, Encounters and Procedures are stored, in the transaction
 * that stores them: a milestone exists exactly when the change that reports it does. On intake this
 * adds one row insert (the tracking Task's {@code RECEIVED}) and no read; every figure is computed
 * later, on request, from these rows ({@link MeasureCalculation}).
 *
 * <p>Registered with the storage layer's interceptor service, not the REST server's, so the
 * gateway's own changes (delivery feedback, BaRS answers) are seen as well as partners' requests.
 */
@Component
class MilestoneRecorder {

  private static final Duration ODS_MEMORY = Duration.ofMinutes(5);

  private final IInterceptorService storageInterceptors;
  private final ReferralMilestones milestones;
  private final OrganisationReferences organisations;
  private final Clock clock;

  /**
   * The ODS code of each stored organisation, service or role a milestone named, for a while: the
   * tracking Task is updated on every delivery, and naming its service's organisation cost two
   * reads each time (HealthcareService, then Organization; issue 25). A service moved to another
   * provider is attributed to the new one within {@link #ODS_MEMORY}; a reference that names no
   * single organisation is not remembered.
   */
  private final Cache<String, String> odsByReference =
      Caffeine.newBuilder().expireAfterWrite(ODS_MEMORY).maximumSize(10_000).build();

  MilestoneRecorder(
      IInterceptorService storageInterceptors,
      ReferralMilestones milestones,
      OrganisationReferences organisations,
      Clock clock) {
    this.storageInterceptors = storageInterceptors;
    this.milestones = milestones;
    this.organisations = organisations;
    this.clock = clock;
  }

  @PostConstruct
  void register() {
    storageInterceptors.registerInterceptor(this);
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
  void created(IBaseResource resource, RequestDetails request) {
    record(null, resource, request);
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
  void updated(IBaseResource previous, IBaseResource current, RequestDetails request) {
    record(previous, current, request);
  }

  private void record(IBaseResource previous, IBaseResource current, RequestDetails request) {
    // Cheap test first: this runs for every stored resource.
    if (!(current instanceof Task
        || current instanceof Encounter
        || current instanceof Procedure)) {
      return;
    }
    Caller caller = Caller.of(request);
    String ods = caller.isPartner() && !caller.isMalformed() ? caller.odsCode() : null;
    List<MilestoneFact> facts =
        MilestoneRules.of(
            (Resource) previous, (Resource) current, ods, this::odsOf, clock.instant());
    facts.forEach(milestones::record);
  }

  /** One ODS code for an organisation reference; none if it names none or several. */
  private String odsOf(Reference reference) {
    if (reference == null || reference.isEmpty()) {
      return null;
    }
    String target = reference.hasIdentifier() ? null : reference.getReference();
    String known = target == null ? null : odsByReference.getIfPresent(target);
    if (known != null) {
      return known;
    }
    var codes = organisations.organisationsOf(reference);
    String ods = codes.size() == 1 ? codes.iterator().next() : null;
    if (target != null && ods != null) {
      odsByReference.put(target, ods);
    }
    return ods;
  }
}
