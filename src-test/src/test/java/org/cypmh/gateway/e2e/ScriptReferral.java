package org.cypmh.gateway.e2e;

import java.util.UUID;

/**
 * The request the shared wrk script ({@code ../shared/bench/referral.lua}) sends, which measures
 * any FHIR server side by side with this gateway: a transaction Bundle of a Patient conditional
 * create (on a fresh valid NHS number) and a general CAMHS referral from the demo VCSE provider
 * (ODS {@code 8HV48}), byte for byte the script's JSON except the numbers. The benchmark sends it
 * with {@code --mix=wrk-script}, so its figures compare with a wrk run against plain HAPI.
 *
 * @param identifier the referrer's identifier value ({@link #REFERRER_SYSTEM}): what a partner's
 *     copy is found by
 */
record ScriptReferral(String identifier, String nhsNumber, String body) {

  /** The script's referrer identifier system. */
  static final String REFERRER_SYSTEM = "https://example.org/referrer-ids";

  /** The partner the script's referrals come from (its ODS code). */
  static final String REFERRER_ODS = "8HV48";

  static ScriptReferral next() {
    String nhsNumber = NhsNumbers.next();
    String identifier = "bench-" + UUID.randomUUID();
    String patient = "urn:uuid:" + UUID.randomUUID();
    String referral = "urn:uuid:" + UUID.randomUUID();
    String body =
        """
        {"resourceType":"Bundle","type":"transaction","entry":[
        {"fullUrl":"%1$s","resource":{"resourceType":"Patient",
         "identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"%3$s"}],
         "name":[{"family":"Bench","given":["Young"]}],"gender":"female","birthDate":"2008-03-14",
         "address":[{"postalCode":"LE1 6TP"}]},
         "request":{"method":"POST","url":"Patient","ifNoneExist":"identifier=https://fhir.nhs.uk/Id/nhs-number|%3$s"}},
        {"fullUrl":"%2$s","resource":{"resourceType":"ServiceRequest",
         "identifier":[{"system":"%4$s","value":"%5$s"}],
         "status":"active","intent":"order","priority":"routine",
         "category":[{"coding":[{"system":"https://cypmh-gateway.org/fhir/CodeSystem/cypmh-referral-pathway","code":"general-camhs"}]}],
         "code":{"coding":[{"system":"http://snomed.info/sct","code":"3457005","display":"Patient referral"}]},
         "subject":{"reference":"%1$s"},
         "requester":{"identifier":{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"%6$s"}},
         "authoredOn":"2026-11-24T09:00:00Z",
         "reasonCode":[{"coding":[{"system":"http://snomed.info/sct","code":"35489007"}],"text":"Low mood and anxiety affecting school attendance"}],
         "note":[{"text":"Self-referral via web form"}]},
         "request":{"method":"POST","url":"ServiceRequest"}}]}
        """
            .formatted(patient, referral, nhsNumber, REFERRER_SYSTEM, identifier, REFERRER_ODS);
    return new ScriptReferral(identifier, nhsNumber, body);
  }
}
