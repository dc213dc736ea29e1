package org.cypmh.gateway.measures;

import java.util.List;
import java.util.Set;

/**
 * The MHSDS tables the gateway can fill from the flow, with their data items in the Technical
 * Output Specification's names and order, and the items a row cannot be submitted without.
 */
enum MhsdsTable {
  /** MHS101 Referral: one row per referral at the provider. */
  MHS101(
      List.of(
          "ServiceRequestId",
          "OrgIDProv",
          "LocalPatientId",
          "NHSNumber",
          "ReferralRequestReceivedDate",
          "SourceOfReferralMH",
          "PrimReasonReferralMH",
          "ClinRespPriorityType",
          "ServDischDate"),
      Set.of(
          "ServiceRequestId",
          "OrgIDProv",
          "LocalPatientId",
          "ReferralRequestReceivedDate",
          "SourceOfReferralMH")),
  /** MHS102 Service or Team Type Referred To: the service each referral went to. */
  MHS102(
      List.of("ServiceRequestId", "OrgIDProv", "ServTeamTypeRefToMH", "ReferClosureDate"),
      Set.of("ServiceRequestId", "OrgIDProv", "ServTeamTypeRefToMH")),
  /** MHS201 Care Contact: each attended contact (an Encounter the service reported). */
  MHS201(
      List.of(
          "CareContactId",
          "ServiceRequestId",
          "OrgIDProv",
          "CareContDate",
          "CareContTime",
          "ClinContDurOfCareCont",
          "AttendStatus",
          "ConsMechanismMH"),
      Set.of(
          "CareContactId",
          "ServiceRequestId",
          "OrgIDProv",
          "CareContDate",
          "AttendStatus",
          "ConsMechanismMH")),
  /** MHS202 Care Activity: each coded intervention (a Procedure) within a contact. */
  MHS202(
      List.of(
          "CareActId",
          "CareContactId",
          "OrgIDProv",
          "CodeProcAndProcStatus",
          "ClinContactDurOfCareAct"),
      Set.of("CareActId", "CareContactId", "OrgIDProv", "CodeProcAndProcStatus"));

  private final List<String> items;
  private final Set<String> mandatory;

  MhsdsTable(List<String> items, Set<String> mandatory) {
    this.items = items;
    this.mandatory = mandatory;
  }

  List<String> items() {
    return items;
  }

  /** The mandatory items a row lacks, in column order; empty if it can be submitted. */
  List<String> missing(java.util.Map<String, String> row) {
    return items.stream()
        .filter(mandatory::contains)
        .filter(item -> row.get(item) == null || row.get(item).isBlank())
        .toList();
  }
}
