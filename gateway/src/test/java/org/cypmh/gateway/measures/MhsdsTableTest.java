package org.cypmh.gateway.measures;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which MHSDS rows can be submitted, and the national codes derived from FHIR. */
class MhsdsTableTest {

  @Test
  void aRowLackingMandatoryItemsNamesThemInColumnOrder() {
    Map<String, String> row = new HashMap<>();
    row.put("ServiceRequestId", "R1");
    row.put("OrgIDProv", "RZZ");
    row.put("SourceOfReferralMH", " ");
    row.put("PrimReasonReferralMH", null);

    assertThat(MhsdsTable.MHS101.missing(row))
        .containsExactly("LocalPatientId", "ReferralRequestReceivedDate", "SourceOfReferralMH");
    row.put("LocalPatientId", "45");
    row.put("ReferralRequestReceivedDate", "2026-11-02");
    row.put("SourceOfReferralMH", "A1");
    // Optional items may stay empty.
    assertThat(MhsdsTable.MHS101.missing(row)).isEmpty();
  }

  @Test
  void clinicalResponsePriorityTypeFollowsTheMhsdsCodes() {
    assertThat(MhsdsTables.priorityType("stat")).isEqualTo("1");
    assertThat(MhsdsTables.priorityType("urgent")).isEqualTo("2");
    assertThat(MhsdsTables.priorityType("routine")).isEqualTo("3");
    assertThat(MhsdsTables.priorityType("asap")).isEqualTo("4");
    assertThat(MeasureCalculation.urgency("asap")).isEqualTo("urgent");
    assertThat(MeasureCalculation.urgency("routine")).isEqualTo("routine");
    assertThat(MeasureCalculation.urgency(null)).isNull();
  }
}
