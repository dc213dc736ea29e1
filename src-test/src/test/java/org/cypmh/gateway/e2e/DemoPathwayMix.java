package org.cypmh.gateway.e2e;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.Consent.ConsentProvisionType;
import org.hl7.fhir.r4.model.ServiceRequest.ServiceRequestPriority;

/**
 * Referrals for the demo pathways in the proportions a CYPMH single point of access sees: most come
 * from GPs, then schools, self-referrals and urgent crisis referrals; eating disorders, youth
 * justice and transitions to adult services are smaller streams. The weights are illustrative, not
 * NHS statistics. Each referral is for a new young person and reaches exactly one partner (those
 * needing an explicit permit carry one).
 */
final class DemoPathwayMix {

  /** One pathway: its name, its share out of 100 referrals, and how to build one. */
  record Pathway(String name, int weight, Supplier<RoutingReferrals> referral) {}

  static final List<Pathway> PATHWAYS =
      List.of(
          new Pathway(
              "gp-to-single-point-of-access",
              35,
              () -> RoutingReferrals.referral().fromGp("B86001").reason("35489007")),
          new Pathway(
              "school-anxiety-to-mhst",
              17,
              () ->
                  RoutingReferrals.referral()
                      .fromSchool("999001")
                      .reason("197480006")
                      .withConsent(ConsentProvisionType.PERMIT, "8ZZ03")),
          new Pathway(
              "self-referral-to-single-point-of-access",
              11,
              () -> RoutingReferrals.referral().selfReferral().reason("48694002")),
          new Pathway(
              "urgent-to-crisis",
              11,
              () -> RoutingReferrals.referral().priority(ServiceRequestPriority.URGENT)),
          new Pathway(
              "eating-disorder-to-vcse",
              6,
              () ->
                  RoutingReferrals.referral()
                      .pathway("eating-disorders")
                      .reason("72366004")
                      .withConsent(ConsentProvisionType.PERMIT, "8ZZ02")),
          new Pathway(
              "eating-disorder-with-risk-to-camhs-bars",
              4,
              () ->
                  RoutingReferrals.referral()
                      .pathway("eating-disorders")
                      .reason("56882008")
                      .reason("248062006")),
          new Pathway(
              "youth-justice-to-young-peoples-team",
              6,
              () -> RoutingReferrals.referral().pathway("youth-justice").fromYouthJusticeService()),
          new Pathway(
              "transition-to-adult-cmht",
              10,
              () -> RoutingReferrals.referral().aged(18).askingFor("camhs-young-peoples-team")));

  private static final int TOTAL = PATHWAYS.stream().mapToInt(Pathway::weight).sum();

  private DemoPathwayMix() {}

  /** A pathway drawn at random in the mix's proportions. */
  static Pathway draw() {
    int ticket = ThreadLocalRandom.current().nextInt(TOTAL);
    for (Pathway pathway : PATHWAYS) {
      ticket -= pathway.weight();
      if (ticket < 0) {
        return pathway;
      }
    }
    throw new IllegalStateException("weights changed while drawing");
  }
}
