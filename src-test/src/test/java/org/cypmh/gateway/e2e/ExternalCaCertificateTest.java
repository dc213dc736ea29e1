package org.cypmh.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import org.cypmh.gateway.security.MutualTlsConnector;
import org.cypmh.gateway.security.SecurityProperties;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Client certificates from a second trusted CA ({@link ExternalCa}): a certificate is its partner's
 * only when issued by the CA the partner is registered with (the gateway's own CA when the
 * registration names none), and the external CA revokes its certificates through its CRL.
 */
@EnforcedGateway
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExternalCaCertificateTest {

  @LocalServerPort int httpPort;
  @Autowired MutualTlsConnector mutualTls;
  @Autowired SecurityProperties security;

  private PartnerClients partners;
  private final ExternalCa externalCa = ExternalCa.shared();

  @BeforeAll
  void clients() {
    partners = new PartnerClients(security.pkiDir(), mutualTls.localPort(), httpPort);
  }

  @Test
  void aCertificateWithTheSameSubjectFromAnotherTrustedCaIsNotThePartner() {
    // The gateway's CA issued camhs's certificate; the external CA, also trusted, issues one with
    // the same subject.
    HttpClient genuine = partners.partner("camhs", "RZZ");
    HttpClient lookalike = partners.client(externalCa.issue("CN=camhs,OU=RZZ"));
    assertThat(send(genuine, "/fhir/Task?_count=1").statusCode()).isEqualTo(200);

    HttpResponse<String> refused = send(lookalike, "/fhir/Task?_count=1");

    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(PartnerClients.issue(refused).getCode()).isEqualTo(IssueType.LOGIN);
    assertThat(PartnerClients.issue(refused).getDiagnostics())
        .contains("does not belong to a registered partner");
    assertThat(refused.body()).doesNotContain("\"resourceType\":\"Bundle\"");
  }

  @Test
  void aPartnerRegisteredWithTheExternalIssuerWorksUntilItsCrlListsIt() throws Exception {
    Path certificate = externalCa.issue("CN=ext-partner,OU=8ZZ06");
    Path second = externalCa.issue("CN=ext-partner,OU=8ZZ06");
    HttpClient partner = partners.client(certificate);
    HttpClient sameSubjectOtherSerial = partners.client(second);
    HttpResponse<String> before = send(partner, "/fhir/Task?_count=1");
    assertThat(before.statusCode()).as(before.body()).isEqualTo(200);
    assertThat(PartnerClients.bundle(before).getType()).isEqualTo(Bundle.BundleType.SEARCHSET);
    // The same subject from the gateway's own CA is not this partner.
    assertThat(send(partners.partner("ext-partner", "8ZZ06"), "/fhir/Task").statusCode())
        .isEqualTo(401);

    externalCa.revoke(serialOf(certificate));

    HttpResponse<String> refused = send(partner, "/fhir/Task?_count=1");
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    assertThat(PartnerClients.issue(refused).getCode()).isEqualTo(IssueType.LOGIN);
    assertThat(PartnerClients.issue(refused).getDiagnostics()).contains("revoked");
    // Only that serial: the partner's other certificate still works.
    assertThat(send(sameSubjectOtherSerial, "/fhir/Task?_count=1").statusCode()).isEqualTo(200);
  }

  @Test
  void aPartnerRegisteredThroughTheAdminApiWithTheExternalIssuerWorks() {
    HttpClient admin = partners.demo("demo-admin");
    HttpClient partner = partners.client(externalCa.issue("CN=ext-api,OU=8ZZ08"));
    assertThat(send(partner, "/fhir/Task?_count=1").statusCode()).isEqualTo(401);

    HttpResponse<String> unknownIssuer =
        register(admin, "ext-api", "CN=ext-api,OU=8ZZ08", "CN=Nobody We Trust,O=Elsewhere");
    assertThat(unknownIssuer.statusCode()).as(unknownIssuer.body()).isEqualTo(400);
    assertThat(PartnerClients.issue(unknownIssuer).getDiagnostics()).contains("certificateIssuer");
    assertThat(send(partner, "/fhir/Task?_count=1").statusCode()).isEqualTo(401);

    HttpResponse<String> registered =
        register(admin, "ext-api", "CN=ext-api,OU=8ZZ08", ExternalCa.NAME);
    assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
    assertThat(registered.body()).contains("\"certificateIssuer\":\"" + ExternalCa.NAME + "\"");
    assertThat(send(partner, "/fhir/Task?_count=1").statusCode()).isEqualTo(200);
    // The gateway CA's certificate with that subject is still not the partner.
    assertThat(send(partners.partner("ext-api", "8ZZ08"), "/fhir/Task").statusCode())
        .isEqualTo(401);
  }

  private HttpResponse<String> register(
      HttpClient admin, String clientId, String subject, String issuer) {
    String registration =
        String.format(
            "{\"clientId\":\"%s\",\"odsCode\":\"8ZZ08\",\"role\":\"PARTNER\","
                + "\"authMethods\":[\"MTLS\"],\"certificateSubject\":\"%s\","
                + "\"certificateIssuer\":\"%s\",\"scopes\":[\"system/Task.rs\"]}",
            clientId, subject, issuer);
    return PartnerClients.send(
        admin,
        java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(partners.https("/admin/partners/" + clientId)))
            .header("Content-Type", "application/json")
            .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(registration)));
  }

  private static BigInteger serialOf(Path p12) throws Exception {
    return ((X509Certificate) PartnerClients.load(p12).getCertificate("client")).getSerialNumber();
  }

  private HttpResponse<String> send(HttpClient client, String path) {
    return PartnerClients.send(client, PartnerClients.get(partners.https(path)));
  }
}
