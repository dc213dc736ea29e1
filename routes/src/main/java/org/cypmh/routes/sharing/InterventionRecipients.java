package org.cypmh.routes.sharing;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.cypmh.routes.delivery.Deliveries;
import org.cypmh.routes.delivery.Delivery;
import org.cypmh.routes.directory.DirectoryService;
import org.cypmh.routes.directory.ServiceDirectory;
import org.hl7.fhir.r4.model.Patient;
import org.springframework.stereotype.Component;

/**
 * Who should know about a young person's brief interventions: the CAMHS services that received
 * their referrals (the services that own their care), and their GP practice. The organisation that
 * delivered the intervention is left out: it already knows.
 */
@Component
class InterventionRecipients {

  private final Deliveries deliveries;
  private final ServiceDirectory directory;
  private final CamhsServices camhs;
  private final GpPractices gpPractices;

  InterventionRecipients(
      Deliveries deliveries,
      ServiceDirectory directory,
      CamhsServices camhs,
      GpPractices gpPractices) {
    this.deliveries = deliveries;
    this.directory = directory;
    this.camhs = camhs;
    this.gpPractices = gpPractices;
  }

  /**
   * The destinations, each once, by the reason it was chosen ({@code owning-camhs}, {@code gp}).
   *
   * @param performers the organisations that delivered the interventions (references as stored)
   */
  Map<DirectoryService, String> of(Patient patient, Set<String> performers) {
    Map<DirectoryService, String> recipients = new LinkedHashMap<>();
    String patientId = patient.getIdElement().toUnqualifiedVersionless().getValue();
    for (Delivery received : deliveries.ofPatient(patientId, Delivery.Status.DELIVERED)) {
      directory
          .byId(received.serviceId())
          .filter(camhs::isCamhs)
          .ifPresent(service -> recipients.putIfAbsent(service, "owning-camhs"));
    }
    gpPractices.of(patient).forEach(service -> recipients.putIfAbsent(service, "gp"));
    recipients.keySet().removeIf(service -> performers.contains(service.organization()));
    return recipients;
  }
}
