package org.cypmh.gateway.console;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cypmh.gateway.audit.AuditOperations;
import org.cypmh.gateway.audit.AuditSealer;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The audit page (operators and auditors): whether the trail verifies, the last seal, and the
 * access report of a young person named by NHS number in a POST form ({@code $audit-verify}, {@code
 * $access-report}).
 */
@Controller
class AuditController {

  private static final String NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number";

  private final AuditOperations audit;
  private final AuditSealer sealer;
  private final DaoRegistry daoRegistry;

  AuditController(AuditOperations audit, AuditSealer sealer, DaoRegistry daoRegistry) {
    this.audit = audit;
    this.sealer = sealer;
    this.daoRegistry = daoRegistry;
  }

  @GetMapping("/console/audit")
  String audit(Model model) {
    verification(model);
    return "console/audit";
  }

  @PostMapping("/console/audit/access-report")
  String accessReport(@RequestParam("nhsNumber") String nhsNumber, Model model) {
    verification(model);
    String digits = nhsNumber.replaceAll("\\s", "");
    List<Map<String, String>> accesses = new ArrayList<>();
    if (digits.matches("\\d{10}")) {
      SearchParameterMap patients = SearchParameterMap.newSynchronous();
      patients.add(Patient.SP_IDENTIFIER, new TokenParam(NHS_NUMBER_SYSTEM, digits));
      for (IBaseResource patient :
          daoRegistry
              .getResourceDao(Patient.class)
              .search(patients, new SystemRequestDetails())
              .getAllResources()) {
        IdType id = (IdType) patient.getIdElement().toUnqualifiedVersionless();
        accesses.addAll(
            ParameterRows.named(audit.accessReport(id, new SystemRequestDetails()), "access"));
      }
    }
    model.addAttribute("accesses", accesses);
    return "console/audit";
  }

  private void verification(Model model) {
    // The console acts for the operator: the internal request is not a partner's.
    Parameters verified = audit.verify(null, new SystemRequestDetails());
    model.addAttribute("verification", ParameterRows.values(verified));
    model.addAttribute("problems", ParameterRows.named(verified, "problem"));
    sealer
        .lastSeal()
        .ifPresent(
            seal -> {
              model.addAttribute("lastSealNo", seal.sealNo());
              model.addAttribute("lastSealAt", seal.sealedAt());
            });
  }
}
