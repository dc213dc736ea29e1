package org.cypmh.profiles.api;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;

/**
 * Test-only copies of the terminology module's ValueSets and CodeSystems (same canonical URLs),
 * standing in for the support the gateway will pass to {@link ValidationChain}.
 */
final class TerminologyStub {

  static final List<String> FILES =
      List.of(
          "CodeSystem-cypmh-referral-pathway.json",
          "CodeSystem-cypmh-service-type.json",
          "CodeSystem-cypmh-break-glass-reason.json",
          "ValueSet-cypmh-referral-pathway.json",
          "ValueSet-cypmh-service-type.json",
          "ValueSet-cypmh-referral-reason.json",
          "ValueSet-cypmh-brief-intervention.json",
          "ValueSet-cypmh-transition-care.json",
          "ValueSet-cypmh-break-glass-reason.json");

  private TerminologyStub() {}

  static PrePopulatedValidationSupport load(FhirContext fhirContext) {
    IParser parser = fhirContext.newJsonParser();
    PrePopulatedValidationSupport support = new PrePopulatedValidationSupport(fhirContext);
    for (String file : FILES) {
      try (InputStream in =
          TerminologyStub.class.getResourceAsStream("/terminology-stub/" + file)) {
        if (in == null) {
          throw new IllegalStateException("Missing terminology stub " + file);
        }
        support.addResource(parser.parseResource(in));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return support;
  }
}
