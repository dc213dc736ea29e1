package org.cypmh.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cypmh.gateway.e2e.PartnerClients.get;
import static org.cypmh.gateway.e2e.PartnerClients.send;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import org.cypmh.gateway.security.MutualTlsConnector;
import org.cypmh.gateway.security.SecurityProperties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A provider reads its own figures and MHSDS tables, as a real partner over HTTPS with its own
 * client certificate, and never another provider's: {@code camhs} (RZZ) holds the read scopes for
 * Procedure and MeasureReport; {@code vcse-b} (8ZZ03) holds neither.
 */
@EnforcedGateway
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FiguresLeastPrivilegeTest {

  private static final String MEASURES = "/fhir/$measures?start=2026-11-01&end=2026-11-30";
  private static final String MHS101 = "/fhir/$mhsds-table?table=MHS101&month=2026-11";

  @LocalServerPort int httpPort;
  @Autowired MutualTlsConnector mutualTls;
  @Autowired SecurityProperties security;

  private PartnerClients partners;
  private HttpClient camhs;
  private HttpClient otherProvider;

  @BeforeAll
  void clients() {
    partners = new PartnerClients(security.pkiDir(), mutualTls.localPort(), httpPort);
    camhs = partners.partner("camhs", "RZZ");
    otherProvider = partners.partner("vcse-b", "8ZZ03");
  }

  @Test
  void aProviderReadsItsOwnFiguresAndTables() {
    HttpResponse<String> figures = call(camhs, MEASURES + "&provider=RZZ&format=csv");
    assertThat(figures.statusCode()).as(figures.body()).isEqualTo(200);
    assertThat(figures.body()).startsWith("measure,period_start,period_end,provider,");

    HttpResponse<String> table = call(camhs, MHS101 + "&provider=RZZ");
    assertThat(table.statusCode()).as(table.body()).isEqualTo(200);
    assertThat(table.body()).startsWith("ServiceRequestId,");
  }

  @Test
  void noProviderReadsAnotherProvidersFiguresOrTables() {
    for (String path :
        new String[] {MEASURES + "&provider=8ZZ03", MEASURES, MHS101 + "&provider=8ZZ03"}) {
      HttpResponse<String> refused = call(camhs, path);
      assertThat(refused.statusCode()).as(path + ": " + refused.body()).isEqualTo(403);
      assertThat(refused.body()).contains("\"resourceType\":\"OperationOutcome\"");
    }
  }

  @Test
  void withoutTheReadScopesEvenItsOwnAreRefused() {
    for (String path : new String[] {MEASURES + "&provider=8ZZ03", MHS101 + "&provider=8ZZ03"}) {
      HttpResponse<String> refused = call(otherProvider, path);
      assertThat(refused.statusCode()).as(path + ": " + refused.body()).isEqualTo(403);
    }
  }

  private HttpResponse<String> call(HttpClient client, String path) {
    return send(client, get(partners.https(path)));
  }
}
