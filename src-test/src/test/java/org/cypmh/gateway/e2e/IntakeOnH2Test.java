package org.cypmh.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** Intake on the embedded default (H2). */
@EmbeddedGateway
class IntakeOnH2Test extends IntakeBehaviour {

  /**
   * A referral's JSON stays in its row: H2 copies a value kept in its separate LOB store for every
   * query that reads it and holds each copy for five minutes (issue 25).
   */
  @Test
  void aReferralsJsonIsStoredInItsRow() {
    String patient = gateway.createYoungPerson();
    HttpResponse<String> created =
        gateway.post("/fhir/ServiceRequest", "application/fhir+json", json(referralFor(patient)));
    assertThat(created.statusCode()).isEqualTo(201);

    String inRowUpTo =
        database.queryForObject(
            "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS"
                + " WHERE SETTING_NAME = 'MAX_LENGTH_INPLACE_LOB'",
            String.class);
    Long stored =
        database.queryForObject(
            "SELECT OCTET_LENGTH(v.RES_TEXT_VC) FROM HFJ_RES_VER v"
                + " JOIN HFJ_RESOURCE r ON r.RES_ID = v.RES_ID"
                + " WHERE r.RES_TYPE = 'ServiceRequest' AND r.FHIR_ID = ?",
            Long.class,
            idFromLocation(created));
    assertThat(inRowUpTo).isEqualTo("16384");
    assertThat(stored).isBetween(500L, 16384L);
  }
}
