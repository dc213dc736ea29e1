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
}
