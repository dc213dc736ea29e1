package org.cypmh.routes.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.cypmh.profiles.api.ConformancePackage;
import org.cypmh.terminology.api.ValueSetMembership;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.Test;

/** The facts route files decide on, from a referral, its patient and the day of referral. */
class RoutableReferralTest {

  static final LocalDate REFERRED_ON = LocalDate.of(2026, 11, 24);

  @Test
  void ageIsInWholeYearsOnTheDayOfReferral() {
    assertThat(referral(new ServiceRequest(), bornOn("2008-11-25")).getAgeYears()).isEqualTo(17);
    assertThat(referral(new ServiceRequest(), bornOn("2008-11-24")).getAgeYears()).isEqualTo(18);
  }

  @Test
  void referrerKindTellsSelfGpSchoolAndOtherApart() {
    assertThat(kindOf(new Reference("Patient/1"))).isEqualTo("self");
    assertThat(kindOf(ods("B86001"))).isEqualTo("gp");
    assertThat(kindOf(ods("RGD"))).isEqualTo("other");
    assertThat(
            kindOf(
                new Reference()
                    .setIdentifier(
                        new Identifier()
                            .setSystem(ServiceDirectory.SCHOOL_URN_SYSTEM)
                            .setValue("999001"))))
        .isEqualTo("school");
  }

  @Test
  void postcodeGivesAreaAndDistrict() {
    Patient patient = bornOn("2010-01-01");
    patient.addAddress(new Address().setPostalCode("ls6 2ab"));
    RoutableReferral referral = referral(new ServiceRequest(), patient);

    assertThat(referral.getPostcodeDistrict()).isEqualTo("LS6");
    assertThat(referral.getPostcodeArea()).isEqualTo("LS");
  }

  @Test
  void urgentMeansUrgentOrStatAndPriorityDefaultsToRoutine() {
    assertThat(referral(new ServiceRequest(), bornOn("2010-01-01")).getPriority())
        .isEqualTo("routine");
    assertThat(
            referral(
                    new ServiceRequest().setPriority(ServiceRequest.ServiceRequestPriority.STAT),
                    bornOn("2010-01-01"))
                .isUrgent())
        .isTrue();
    assertThat(
            referral(
                    new ServiceRequest().setPriority(ServiceRequest.ServiceRequestPriority.ASAP),
                    bornOn("2010-01-01"))
                .isUrgent())
        .isFalse();
  }

  @Test
  void aCopyStartsFromTheReferralAsReceived() {
    ServiceRequest received = new ServiceRequest();
    received.getPerformerType().addCoding().setCode("camhs-crisis");
    RoutableReferral first = referral(received, bornOn("2010-01-01"));
    first.outgoing().getPerformerType().addCoding().setCode("adult-crisis");

    assertThat(first.copy().outgoing().getPerformerType().getCoding()).hasSize(1);
  }

  @Test
  void eligibleForFindsOnlyServicesCoveringTheYoungPersonsSchool() {
    DirectoryService mhst =
        new DirectoryService(
            "mhst-west",
            "HealthcareService/mhst-west",
            "MHST",
            null,
            null,
            Set.of("mhst"),
            4,
            18,
            Set.of(),
            Set.of("999001"),
            null);
    ServiceDirectory directory =
        new ServiceDirectory() {
          @Override
          public Optional<DirectoryService> byId(String serviceId) {
            return Optional.empty();
          }

          @Override
          public List<DirectoryService> ofType(String serviceType) {
            return serviceType.equals("mhst") ? List.of(mhst) : List.of();
          }

          @Override
          public List<DirectoryService> ofOrganisation(String organisation) {
            return List.of();
          }
        };
    ServiceRequest fromSchool = new ServiceRequest();
    fromSchool.getRequester().getIdentifier().setSystem(ServiceDirectory.SCHOOL_URN_SYSTEM);

    fromSchool.getRequester().getIdentifier().setValue("999001");
    assertThat(
            new RoutableReferral(
                    fromSchool, bornOn("2012-01-01"), List.of(), REFERRED_ON, none(), directory)
                .eligibleFor("mhst"))
        .isTrue();
    fromSchool.getRequester().getIdentifier().setValue("999999");
    assertThat(
            new RoutableReferral(
                    fromSchool, bornOn("2012-01-01"), List.of(), REFERRED_ON, none(), directory)
                .eligibleFor("mhst"))
        .isFalse();
  }

  private static String kindOf(Reference requester) {
    ServiceRequest request = new ServiceRequest();
    request.setRequester(requester);
    return referral(request, bornOn("2010-01-01")).getReferrerKind();
  }

  private static Reference ods(String code) {
    return new Reference()
        .setIdentifier(
            new Identifier().setSystem(ConformancePackage.ODS_ORGANIZATION_SYSTEM).setValue(code));
  }

  private static RoutableReferral referral(ServiceRequest request, Patient patient) {
    return new RoutableReferral(request, patient, List.of(), REFERRED_ON, none(), null);
  }

  private static ValueSetMembership none() {
    return (valueSet, system, code) -> false;
  }

  private static Patient bornOn(String date) {
    Patient patient = new Patient();
    patient.setBirthDate(Date.from(LocalDate.parse(date).atStartOfDay().toInstant(ZoneOffset.UTC)));
    return patient;
  }
}
