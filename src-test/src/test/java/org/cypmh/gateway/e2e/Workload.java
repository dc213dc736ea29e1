package org.cypmh.gateway.e2e;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cypmh.gateway.e2e.YoungPeopleOnFile.YoungPerson;
import org.hl7.fhir.r4.model.Bundle;

/**
 * The requests partner systems send one gateway, in proportions: referral transactions (the {@link
 * DemoPathwayMix}), brief interventions recorded by services, transition care plans, and GP
 * practices pulling a young person's care plans by NHS number (a consent-filtered partner read).
 * Care records and pulls are for young people this workload's referrals stored.
 */
final class Workload {

  enum Kind {
    REFERRAL,
    BRIEF_INTERVENTION,
    TRANSITION_CAREPLAN,
    GP_PULL,
    /** The shared wrk script's referral ({@link ScriptReferral}). */
    SCRIPT_REFERRAL;

    /** A referral transaction, which the gateway routes to a partner. */
    boolean referral() {
      return this == REFERRAL || this == SCRIPT_REFERRAL;
    }
  }

  /** Shares out of 100 requests; what cannot be sent yet (nobody on file) becomes a referral. */
  record Mix(Map<Kind, Integer> shares) {

    static final Mix PARTNER_TRAFFIC =
        new Mix(
            Map.of(
                Kind.REFERRAL, 80,
                Kind.BRIEF_INTERVENTION, 10,
                Kind.TRANSITION_CAREPLAN, 3,
                Kind.GP_PULL, 7));

    static final Mix GP_PULLS = new Mix(Map.of(Kind.GP_PULL, 100));

    /** Only the shared wrk script's referral, to compare with a wrk run against plain HAPI. */
    static final Mix WRK_SCRIPT = new Mix(Map.of(Kind.SCRIPT_REFERRAL, 100));

    /** The mix a benchmark setting names: {@code partner-traffic} or {@code wrk-script}. */
    static Mix named(String name) {
      return switch (name) {
        case "partner-traffic" -> PARTNER_TRAFFIC;
        case "wrk-script" -> WRK_SCRIPT;
        default ->
            throw new IllegalArgumentException(
                "Unknown mix " + name + "; expected partner-traffic or wrk-script");
      };
    }

    Kind draw() {
      int ticket = ThreadLocalRandom.current().nextInt(100);
      for (Kind kind : Kind.values()) {
        ticket -= shares.getOrDefault(kind, 0);
        if (ticket < 0) {
          return kind;
        }
      }
      return Kind.REFERRAL;
    }
  }

  /**
   * One request ready to send: its kind, the referrer's identifier when it is a referral (what the
   * partner's copy is found by), how to send it, and what to note when it is accepted.
   */
  record Operation(
      Kind kind,
      String referralIdentifier,
      Supplier<HttpResponse<String>> send,
      Consumer<HttpResponse<String>> accepted) {}

  /** The GP practice of the demo directory, reading as a partner. */
  static final String GP_ODS = "Y99901";

  /** Names the calling partner (the benchmark's gateway runs in trusted-header mode). */
  private static final String ODS_HEADER = "NHSD-End-User-Organisation-ODS";

  private static final Pattern PATIENT =
      Pattern.compile("\"location\"\\s*:\\s*\"(Patient/[^/\"]+)");
  private static final Pattern REFERRAL =
      Pattern.compile("\"location\"\\s*:\\s*\"(ServiceRequest/[^/\"]+)");

  private final GatewayClient gateway;
  private final Mix mix;
  private final YoungPeopleOnFile referred = new YoungPeopleOnFile(20_000);
  private final YoungPeopleOnFile inTransition = new YoungPeopleOnFile(5_000);
  private final YoungPeopleOnFile withCarePlan = new YoungPeopleOnFile(100_000);
  private final AtomicLong pullsFindingCarePlan = new AtomicLong();

  Workload(GatewayClient gateway, Mix mix) {
    this.gateway = gateway;
    this.mix = mix;
  }

  /** A young person stored some other way (seeding) whose care plan GPs may pull. */
  void hasCarePlan(String nhsNumber) {
    withCarePlan.add(new YoungPerson(nhsNumber, null, null));
  }

  /**
   * GP pulls answered with at least one CarePlan since the last call (a pull of a young person
   * without one, or one consent withholds, finds none).
   */
  long takePullsFindingCarePlan() {
    return pullsFindingCarePlan.getAndSet(0);
  }

  Operation next() {
    return switch (mix.draw()) {
      case REFERRAL -> referral();
      case BRIEF_INTERVENTION ->
          referred.any().map(this::briefIntervention).orElseGet(this::referral);
      case TRANSITION_CAREPLAN ->
          inTransition.any().or(referred::any).map(this::carePlan).orElseGet(this::referral);
      case GP_PULL ->
          withCarePlan.any().or(referred::any).map(this::gpPull).orElseGet(this::referral);
      case SCRIPT_REFERRAL -> scriptReferral();
    };
  }

  /** The wrk script's request, as its partner (the demo VCSE provider) sends it. */
  private Operation scriptReferral() {
    ScriptReferral referral = ScriptReferral.next();
    return new Operation(
        Kind.SCRIPT_REFERRAL,
        referral.identifier(),
        () ->
            gateway.send(
                gateway
                    .request("/fhir")
                    .header("Content-Type", "application/fhir+json")
                    .header("Accept", "application/fhir+json")
                    .header("Prefer", "return=minimal")
                    .header(ODS_HEADER, ScriptReferral.REFERRER_ODS)
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(referral.body()))),
        response -> {});
  }

  Operation referral() {
    DemoPathwayMix.Pathway pathway = DemoPathwayMix.draw();
    RoutingReferrals referral = pathway.referral().get();
    Bundle transaction = referral.transaction();
    // Referrals name the young person's GP practice, as GP-registered young people's do; the GP
    // pulls below are that practice's (a practice reads only its registered patients).
    transaction.getEntry().stream()
        .map(Bundle.BundleEntryComponent::getResource)
        .filter(org.hl7.fhir.r4.model.Patient.class::isInstance)
        .map(org.hl7.fhir.r4.model.Patient.class::cast)
        .forEach(
            patient ->
                patient
                    .addGeneralPractitioner()
                    .setIdentifier(
                        new org.hl7.fhir.r4.model.Identifier()
                            .setSystem("https://fhir.nhs.uk/Id/ods-organization-code")
                            .setValue(GP_ODS)));
    boolean transition = pathway.name().startsWith("transition");
    return new Operation(
        Kind.REFERRAL,
        referral.identifier(),
        () -> gateway.post("/fhir", transaction),
        response ->
            stored(response, referral.nhsNumber())
                .ifPresent(
                    person -> {
                      referred.add(person);
                      if (transition) {
                        inTransition.add(person);
                      }
                    }));
  }

  private Operation briefIntervention(YoungPerson person) {
    return new Operation(
        Kind.BRIEF_INTERVENTION,
        null,
        () ->
            gateway.post(
                "/fhir/Procedure",
                CareRecords.briefIntervention(person.patientId(), person.referralId())),
        response -> {});
  }

  private Operation carePlan(YoungPerson person) {
    return new Operation(
        Kind.TRANSITION_CAREPLAN,
        null,
        () ->
            gateway.post(
                "/fhir/CarePlan",
                CareRecords.transitionCarePlan(person.patientId(), person.referralId())),
        response -> withCarePlan.add(person));
  }

  private Operation gpPull(YoungPerson person) {
    String search =
        "/fhir/CarePlan?subject:identifier=" + NhsNumbers.SYSTEM + "%7C" + person.nhsNumber();
    return new Operation(
        Kind.GP_PULL,
        null,
        () ->
            gateway.send(
                gateway
                    .request(search)
                    .header("Accept", "application/fhir+json")
                    .header(ODS_HEADER, GP_ODS)
                    .GET()),
        response -> {
          if (response.body().contains("\"resourceType\":\"CarePlan\"")) {
            pullsFindingCarePlan.incrementAndGet();
          }
        });
  }

  private static Optional<YoungPerson> stored(HttpResponse<String> response, String nhsNumber) {
    Matcher patient = PATIENT.matcher(response.body());
    Matcher referral = REFERRAL.matcher(response.body());
    if (!patient.find() || !referral.find()) {
      return Optional.empty();
    }
    return Optional.of(new YoungPerson(nhsNumber, patient.group(1), referral.group(1)));
  }
}
