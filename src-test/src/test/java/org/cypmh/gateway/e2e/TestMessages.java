package org.cypmh.gateway.e2e;

import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;

/** BaRS referral messages as a sender's BaRS client builds them. */
final class TestMessages {

  private TestMessages() {}

  static Bundle referral(String nhsNumber, ServiceRequest referral, String reason) {
    Bundle message = new Bundle().setType(Bundle.BundleType.MESSAGE);
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
    header
        .getSource()
        .setName("Youth Justice Service")
        .setEndpoint("https://yjs.example.gov.uk/bars");
    header
        .addDestination()
        .setName("CYPMH gateway")
        .setEndpoint("https://gateway.example.nhs.uk/fhir/$process-message");
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
    header.addDestination().setEndpoint("https://gateway.example.nhs.uk/fhir/$process-message");
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
