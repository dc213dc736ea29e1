package org.cypmh.gateway.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Resource;

/** Payloads shaped like NHS systems send them (UK Core profiles and extensions). */
final class UkCorePayloads {

  static final String ETHNIC_CATEGORY =
      "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-EthnicCategory";
  static final String NHS_NUMBER_VERIFICATION_STATUS =
      "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus";
  static final String CONTACT_RANK =
      "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-ContactRank";
  static final String SOURCE_OF_SERVICE_REQUEST =
      "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-SourceOfServiceRequest";
  static final String LOADED_PACKAGE =
      "https://cypmh-gateway.org/fhir/StructureDefinition/cypmh-loaded-package";

  private UkCorePayloads() {}

  /** The referral transaction as a Bundle, to break one rule in it. */
  static Bundle referralBundle(String nhsNumber) {
    return GatewayClient.FHIR
        .newJsonParser()
        .parseResource(Bundle.class, referralTransaction(nhsNumber));
  }

  /** The transaction's UK Core Patient alone, for a REST create. */
  static String patient(String nhsNumber) {
    Resource patient = referralBundle(nhsNumber).getEntry().get(0).getResource();
    return GatewayClient.FHIR.newJsonParser().encodeResourceToString(patient);
  }

  /** Every extension URL anywhere in a resource. */
  static List<String> extensionUrls(Resource resource) {
    return GatewayClient.FHIR
        .newTerser()
        .getAllPopulatedChildElementsOfType(resource, Extension.class)
        .stream()
        .map(Extension::getUrl)
        .toList();
  }

  /**
   * A school MHST's referral transaction: UK Core Patient (ethnic category, NHS number verification
   * status, contact rank, GP by ODS code), RelatedPerson, Organization, Practitioner, Encounter, a
   * Condition coded with a SNOMED CT concept the gateway does not hold (13746004 |Bipolar
   * disorder|), Questionnaire and QuestionnaireResponse, and a UK Core ServiceRequest with its
   * source-of-referral extension. A new young person and referrer identifier each time.
   */
  static String referralTransaction(String nhsNumber) {
    return resource("uk-core/referral-transaction.json")
        .replace("${nhsNumber}", nhsNumber)
        .replace("${referralId}", "MHST-" + UUID.randomUUID());
  }

  private static String resource(String path) {
    try (InputStream in = UkCorePayloads.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("Missing test resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
