package org.cypmh.gateway.interventions;

import static java.nio.charset.StandardCharsets.UTF_8;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.RestfulServerUtils;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.ArrayList;
import java.util.List;
import org.cypmh.gateway.fhir.Caller;
import org.cypmh.gateway.fhir.FhirServerInterceptor;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Procedure;
import org.springframework.stereotype.Component;

/**
 * Brings a partner's locally coded brief interventions to SNOMED CT before they are validated: each
 * Procedure in the request body (alone, or in a transaction, batch or message) that has no SNOMED
 * CT coding gets one from the partner's ConceptMap, beside the partner's own coding. A local code
 * without a translation is refused with 422 naming it, or, where the partner's configuration says
 * so, accepted with the {@link #UNMAPPED_FLAG} tag (which only the gateway may set).
 *
 * <p>It rewrites the request body, so that the profile validation that follows, and the stored
 * resource, both see the translated coding.
 */
@Component
class LocalCodeTranslation implements FhirServerInterceptor {

  static final String FLAG_SYSTEM = "https://cypmh-gateway.org/fhir/CodeSystem/cypmh-intake-flag";
  static final String UNMAPPED_FLAG = "unmapped-local-code";

  private final InterventionCoding coding;
  private final InterventionProperties properties;

  LocalCodeTranslation(InterventionCoding coding, InterventionProperties properties) {
    this.coding = coding;
    this.properties = properties;
  }

  /** Before the profile validation (order 0) of the same pointcut. */
  @Hook(value = Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED, order = -100)
  public boolean translate(RequestDetails request) {
    RequestTypeEnum method = request.getRequestType();
    if (method != RequestTypeEnum.POST && method != RequestTypeEnum.PUT) {
      return true;
    }
    EncodingEnum encoding = RestfulServerUtils.determineRequestEncodingNoDefault(request);
    byte[] body = request.loadRequestContents();
    if (encoding == null || body == null || body.length == 0) {
      return true;
    }
    String text = new String(body, UTF_8);
    if (!text.contains("Procedure")) {
      return true; // no brief intervention in it: not worth a parse
    }
    FhirContext fhirContext = request.getFhirContext();
    IBaseResource resource;
    try {
      resource = encoding.newParser(fhirContext).parseResource(text);
    } catch (DataFormatException e) {
      return true; // HAPI refuses it with 400 when it parses the body itself
    }
    List<Located> procedures = proceduresIn(resource);
    if (procedures.isEmpty()) {
      return true;
    }
    String caller = Caller.of(request).odsCode();
    List<OperationOutcome.OperationOutcomeIssueComponent> refused = new ArrayList<>();
    boolean changed = false;
    for (Located each : procedures) {
      String submitter = caller != null ? caller : InterventionCoding.performerOds(each.procedure);
      changed |=
          coding.toSnomed(each.procedure, properties.codingOf(submitter), each.path, refused);
    }
    if (!refused.isEmpty()) {
      OperationOutcome outcome = new OperationOutcome();
      outcome.getIssue().addAll(refused);
      throw new UnprocessableEntityException(
          refused.size() + " brief intervention code(s) have no SNOMED CT translation", outcome);
    }
    if (changed) {
      request.setRequestContents(
          encoding.newParser(fhirContext).encodeResourceToString(resource).getBytes(UTF_8));
    }
    return true;
  }

  private static List<Located> proceduresIn(IBaseResource resource) {
    List<Located> found = new ArrayList<>();
    if (resource instanceof Procedure procedure) {
      found.add(new Located(procedure, "Procedure"));
    } else if (resource instanceof Bundle bundle) {
      for (int i = 0; i < bundle.getEntry().size(); i++) {
        if (bundle.getEntry().get(i).getResource() instanceof Procedure procedure) {
          found.add(new Located(procedure, "Bundle.entry[" + i + "].resource"));
        }
      }
    }
    return found;
  }

  /** A Procedure in the body and the FHIRPath to it. */
  private record Located(Procedure procedure, String path) {}
}
