package org.cypmh.gateway.e2e;

import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;

/** BaRS referral messages as a sender's BaRS client builds them, and the headers it sends. */
final class TestMessages {

  static final String EVENTS = "https://fhir.nhs.uk/CodeSystem/message-events-bars";
  static final String REASONS = "https://fhir.nhs.uk/CodeSystem/message-reason-bars";
  static final String DEFINITIONS = "https://fhir.nhs.uk/MessageDefinition/";
  static final String REFERRAL = DEFINITIONS + "bars-message-servicerequest-request-referral";
  static final String VALIDATION = DEFINITIONS + "bars-message-servicerequest-request-validation";
  static final String CANCELLED = DEFINITIONS + "bars-message-servicerequest-request-cancelled";
  static final String BOOKING = DEFINITIONS + "bars-message-booking-request";

  /** Where the gateway takes BaRS messages (gateway.bars.endpoint). */
  static final String GATEWAY = "https://cypmh-gateway.org/fhir/$process-message";

  /** The referring youth justice service's own $process-message (a WireMock path, over mTLS). */
  static final String REFERRER_PATH = "/referrer-yjs/fhir/$process-message";

  private TestMessages() {}

  static String referrerEndpoint() {
    return PartnerNetwork.PARTNERS.baseUrl() + REFERRER_PATH;
  }

  /**
   * POSTs a message to $process-message with the headers a BaRS sender sends: request and
   * correlation ids, the requesting software (a Device) and organisation (an Organization with its
   * ODS code), and a target if given.
   */
  static java.net.http.HttpResponse<String> post(
      GatewayClient gateway, Bundle message, String target) {
    java.net.http.HttpRequest.Builder request =
        gateway
            .request("/fhir/$process-message")
            .header("Content-Type", "application/fhir+json")
            .header("X-Request-Id", UUID.randomUUID().toString())
            .header("X-Correlation-Id", UUID.randomUUID().toString())
            .header("NHSD-Requesting-Software", requestingSoftware())
            .header("NHSD-End-User-Organisation", endUserOrganisation("8HV48"));
    if (target != null) {
      request.header("NHSD-Target-Identifier", target);
    }
    return gateway.send(
        request.POST(
            java.net.http.HttpRequest.BodyPublishers.ofString(
                GatewayClient.FHIR.newJsonParser().encodeResourceToString(message))));
  }

  static String requestingSoftware() {
    return base64(
        "{\"resourceType\":\"Device\",\"identifier\":[{\"system\":"
            + "\"https://yjs-case-system.example.org/Id/device\",\"value\":\"YJS-CASE-1\"}],"
            + "\"deviceName\":[{\"name\":\"YJS case system\",\"type\":\"manufacturer-name\"}],"
            + "\"version\":[{\"value\":\"4.2.0\"}]}");
  }

  static String endUserOrganisation(String ods) {
    return base64(
        "{\"resourceType\":\"Organization\",\"identifier\":[{\"system\":"
            + "\"https://fhir.nhs.uk/Id/ods-organization-code\",\"value\":\""
            + ods
            + "\"}],\"name\":\"Referring service\"}");
  }

  static String target(String system, String value) {
    return base64("{\"system\":\"" + system + "\",\"value\":\"" + value + "\"}");
  }

  static String base64(String json) {
    return java.util.Base64.getEncoder()
        .encodeToString(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  static Bundle referral(String nhsNumber, ServiceRequest referral, String reason) {
    Bundle message = new Bundle().setType(Bundle.BundleType.MESSAGE);
    // BaRS names a message by its Bundle.id (answers carry it in response.identifier).
    message.setId(UUID.randomUUID().toString());
    message
        .getIdentifier()
        .setSystem("urn:ietf:rfc:3986")
        .setValue("urn:uuid:" + UUID.randomUUID());
    String patientUrl = "urn:uuid:" + UUID.randomUUID();
    String referralUrl = "urn:uuid:" + UUID.randomUUID();
    MessageHeader header = new MessageHeader();
    header.setId(UUID.randomUUID().toString());
    header.setEvent(
        new Coding(
            "https://fhir.nhs.uk/CodeSystem/message-events-bars", "servicerequest-request", null));
    header
        .getReason()
        .addCoding()
        .setSystem("https://fhir.nhs.uk/CodeSystem/message-reason-bars")
        .setCode(reason);
    header.getSource().setName("Youth Justice Service").setEndpoint(referrerEndpoint());
    header.addDestination().setName("CYPMH gateway").setEndpoint(GATEWAY);
    header.addFocus(new Reference(referralUrl));
    message.addEntry().setFullUrl("urn:uuid:" + header.getIdPart()).setResource(header);
    message.addEntry().setFullUrl(patientUrl).setResource(TestReferrals.youngPerson(nhsNumber));
    referral.setSubject(new Reference(patientUrl));
    message.addEntry().setFullUrl(referralUrl).setResource(referral);
    return message;
  }

  /** A receiving service's answer to a referral the gateway delivered. */
  static Bundle response(ServiceRequest referral, MessageHeader.ResponseType code, String status) {
    Bundle message = new Bundle().setType(Bundle.BundleType.MESSAGE);
    message
        .getIdentifier()
        .setSystem("urn:ietf:rfc:3986")
        .setValue("urn:uuid:" + UUID.randomUUID());
    MessageHeader header = new MessageHeader();
    header.setId(UUID.randomUUID().toString());
    header.setEvent(
        new Coding(
            "https://fhir.nhs.uk/CodeSystem/message-events-bars", "servicerequest-response", null));
    header
        .getSource()
        .setName("CAMHS eating disorders team")
        .setEndpoint("https://camhs.example.nhs.uk/bars");
    header.addDestination().setEndpoint(GATEWAY);
    header.getResponse().setIdentifier(UUID.randomUUID().toString()).setCode(code);
    String referralUrl = "urn:uuid:" + UUID.randomUUID();
    header.addFocus(new Reference(referralUrl));
    message.addEntry().setFullUrl("urn:uuid:" + header.getIdPart()).setResource(header);
    String patientUrl = "urn:uuid:" + UUID.randomUUID();
    ServiceRequest partnerCopy = referral.copy();
    partnerCopy.setSubject(new Reference(patientUrl));
    message.addEntry().setFullUrl(referralUrl).setResource(partnerCopy);
    message
        .addEntry()
        .setFullUrl(patientUrl)
        .setResource(TestReferrals.youngPerson(NhsNumbers.next()));
    org.hl7.fhir.r4.model.Task task = new org.hl7.fhir.r4.model.Task();
    task.setStatus(org.hl7.fhir.r4.model.Task.TaskStatus.ACCEPTED);
    task.setIntent(org.hl7.fhir.r4.model.Task.TaskIntent.ORDER);
    task.getBusinessStatus().setText(status);
    task.setFocus(new Reference(referralUrl));
    task.setFor(new Reference(patientUrl));
    task.setRequester(referral.getRequester().copy());
    message.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(task);
    return message;
  }
}
