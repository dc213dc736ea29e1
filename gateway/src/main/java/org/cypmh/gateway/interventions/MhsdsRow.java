package org.cypmh.gateway.interventions;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One brief intervention as a row of the MHSDS-shaped extract: the fields the Mental Health
 * Services Data Set needs for a care activity, named as MHSDS names them (see README "Brief
 * interventions" for each field's source).
 *
 * @param nhsNumber the young person's NHS number ({@code NHSNumber}, MHS001)
 * @param providerOds the provider organisation's ODS code ({@code OrgIDProv})
 * @param careActivityId the intervention's identifier ({@code CareActId}, MHS202)
 * @param activityDate when it was delivered (start), {@code YYYY-MM-DD} ({@code CareContDate})
 * @param snomedCode the SNOMED CT procedure code ({@code CodeProcAndProcStatus}, MHS202); empty if
 *     the local code is unmapped
 * @param serviceRequestId the referral it answers ({@code ServiceRequestId}, MHS102), or empty
 * @param localCode the partner's own code, {@code system|code}, or empty
 * @param unmapped {@code Y} if the gateway accepted the local code without a SNOMED CT translation
 */
record MhsdsRow(
    String nhsNumber,
    String providerOds,
    String careActivityId,
    String activityDate,
    String snomedCode,
    String serviceRequestId,
    String localCode,
    String unmapped) {

  static final List<String> HEADER =
      List.of(
          "NHSNumber",
          "OrgIDProv",
          "CareActId",
          "CareContDate",
          "CodeProcAndProcStatus",
          "ServiceRequestId",
          "LocalProcedureCode",
          "UnmappedLocalCode");

  List<String> values() {
    return List.of(
        nhsNumber,
        providerOds,
        careActivityId,
        activityDate,
        snomedCode,
        serviceRequestId,
        localCode,
        unmapped);
  }

  /** The row as a CSV line (RFC 4180): a value with a comma, quote or line break is quoted. */
  String csv() {
    return String.join(",", values().stream().map(MhsdsRow::quoted).toList());
  }

  /** The row as a JSON object in field order, for NDJSON. */
  Map<String, String> fields() {
    Map<String, String> fields = new LinkedHashMap<>();
    for (int i = 0; i < HEADER.size(); i++) {
      fields.put(HEADER.get(i), values().get(i));
    }
    return fields;
  }

  private static String quoted(String value) {
    if (value.contains(",")
        || value.contains("\"")
        || value.contains("\n")
        || value.contains("\r")) {
      return "\"" + value.replace("\"", "\"\"") + "\"";
    }
    return value;
  }
}
