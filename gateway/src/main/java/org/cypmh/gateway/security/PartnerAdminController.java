package org.cypmh.gateway.security;

import ca.uhn.fhir.context.FhirContext;
import java.util.List;
import org.cypmh.gateway.fhir.ErrorOutcome;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The admin API for partner registrations, {@code /admin/partners} (admin role only, by the
 * security chain): list, register or replace ({@code PUT /admin/partners/{clientId}} with a
 * registration as JSON), and remove. Partners registered by configuration are listed but read-only.
 */
@RestController
@RequestMapping("/admin/partners")
class PartnerAdminController {

  private final PartnerRegistry registry;
  private final FhirContext fhirContext;

  PartnerAdminController(PartnerRegistry registry, FhirContext fhirContext) {
    this.registry = registry;
    this.fhirContext = fhirContext;
  }

  @GetMapping
  List<PartnerRegistration> list() {
    return registry.all();
  }

  @GetMapping("/{clientId}")
  ResponseEntity<?> get(@PathVariable String clientId) {
    return registry
        .byClientId(clientId)
        .<ResponseEntity<?>>map(ResponseEntity::ok)
        .orElseGet(
            () -> outcome(HttpStatus.NOT_FOUND, IssueType.NOTFOUND, "No partner " + clientId));
  }

  @PutMapping("/{clientId}")
  PartnerRegistration register(
      @PathVariable String clientId, @RequestBody PartnerRegistration registration) {
    if (!clientId.equals(registration.clientId())) {
      throw new IllegalArgumentException("clientId in the body must be the one in the path");
    }
    return registry.save(registration);
  }

  @DeleteMapping("/{clientId}")
  ResponseEntity<?> remove(@PathVariable String clientId) {
    if (registry.isConfigured(clientId)) {
      throw new IllegalStateException("Partner " + clientId + " is registered by configuration");
    }
    return registry.remove(clientId)
        ? ResponseEntity.noContent().build()
        : outcome(HttpStatus.NOT_FOUND, IssueType.NOTFOUND, "No partner " + clientId);
  }

  @ExceptionHandler({
    IllegalArgumentException.class,
    org.springframework.http.converter.HttpMessageNotReadableException.class
  })
  ResponseEntity<String> invalid(Exception e) {
    String reason =
        e instanceof IllegalArgumentException
            ? e.getMessage()
            : "The body is not a partner registration (JSON)";
    return outcome(HttpStatus.BAD_REQUEST, IssueType.INVALID, reason);
  }

  @ExceptionHandler(IllegalStateException.class)
  ResponseEntity<String> conflict(IllegalStateException e) {
    return outcome(HttpStatus.CONFLICT, IssueType.CONFLICT, e.getMessage());
  }

  private ResponseEntity<String> outcome(HttpStatus status, IssueType type, String reason) {
    OperationOutcome outcome = ErrorOutcome.of(type, reason);
    return ResponseEntity.status(status)
        .contentType(MediaType.parseMediaType("application/fhir+json"))
        .body(fhirContext.newJsonParser().encodeResourceToString(outcome));
  }
}
