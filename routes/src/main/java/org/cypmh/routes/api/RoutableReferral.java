package org.cypmh.routes.api;

import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.cypmh.profiles.api.ConformancePackage;
import org.cypmh.terminology.api.TerminologyContent;
import org.cypmh.terminology.api.ValueSetMembership;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;

/**
 * The facts a route decides on, as the message body of every route that starts at {@code
 * gateway:referral}. Route files read them with Camel's simple language, e.g. {@code
 * ${body.pathway} == 'eating-disorders' && ${body.ageYears} < 18}.
 *
 * <p>Each route gets its own copy of the outgoing referral, so a translation in one route does not
 * leak into what another route delivers.
 */
public final class RoutableReferral {

  private static final String SELF_REFERRAL = "310434002";
  // GP practice ODS codes: one letter and five digits (e.g. B86001).
  private static final Pattern GP_PRACTICE = Pattern.compile("^[A-Z]\\d{5}$");

  private final ServiceRequest received;
  private final ServiceRequest outgoing;
  private final Patient patient;
  private final List<Resource> supportingInfo;
  private final LocalDate referredOn;
  private final ValueSetMembership terminology;
  private final ServiceDirectory directory;
  private final Change change;
  private final List<Resource> carried;

  /** What the referral's sender did, as the recipient's message says it (BaRS reason). */
  public enum Change {
    /** A referral the recipient has not had: BaRS reason {@code new}. */
    NEW,
    /** A new version of a referral the recipient received: reason {@code update}. */
    UPDATE,
    /** The referrer cancelled it: reason {@code update} under the cancellation definition. */
    CANCELLATION
  }

  /**
   * @param supportingInfo the stored resources the referral's {@code supportingInfo} points to
   */
  public RoutableReferral(
      ServiceRequest received,
      Patient patient,
      List<Resource> supportingInfo,
      LocalDate referredOn,
      ValueSetMembership terminology,
      ServiceDirectory directory) {
    this.received = received;
    this.outgoing = received.copy();
    this.patient = patient;
    this.supportingInfo = List.copyOf(supportingInfo);
    this.referredOn = referredOn;
    this.terminology = terminology;
    this.directory = directory;
    this.change = Change.NEW;
    this.carried = List.of();
  }

  private RoutableReferral(RoutableReferral facts, Change change, List<Resource> carried) {
    this.received = facts.received;
    this.outgoing = facts.received.copy();
    this.patient = facts.patient;
    this.supportingInfo = facts.supportingInfo;
    this.referredOn = facts.referredOn;
    this.terminology = facts.terminology;
    this.directory = facts.directory;
    this.change = change;
    this.carried = List.copyOf(carried);
  }

  /** The same referral, sent to recipients as this change. */
  public RoutableReferral as(Change change) {
    return new RoutableReferral(this, change, carried);
  }

  /**
   * The same referral with resources that travel with it but are not stored as resources by the
   * gateway (types it does not serve, e.g. Questionnaire): kept in its BaRS message, sent on.
   */
  public RoutableReferral carrying(List<Resource> resources) {
    return new RoutableReferral(this, change, resources);
  }

  /** What the recipient is told this is: new, an update or a cancellation. */
  public Change change() {
    return change;
  }

  /** Resources from the referral's message that the gateway keeps only in the message. */
  public List<Resource> carried() {
    return carried;
  }

  /** A fresh copy for the next route: same facts, untouched outgoing referral. */
  public RoutableReferral copy() {
    return new RoutableReferral(this, change, carried);
  }

  /** Pathway code ({@code cypmh-referral-pathway}), e.g. {@code eating-disorders}. */
  public String getPathway() {
    return received.getCategory().stream()
        .flatMap(c -> c.getCoding().stream())
        .filter(c -> TerminologyContent.REFERRAL_PATHWAY_SYSTEM.equals(c.getSystem()))
        .map(Coding::getCode)
        .findFirst()
        .orElse(null);
  }

  /** FHIR request priority: {@code routine}, {@code urgent}, {@code asap} or {@code stat}. */
  public String getPriority() {
    return received.hasPriority() ? received.getPriority().toCode() : "routine";
  }

  /** True for {@code urgent} and {@code stat}: the crisis pathway. */
  public boolean isUrgent() {
    return "urgent".equals(getPriority()) || "stat".equals(getPriority());
  }

  /** Age in whole years on the day of referral, or null if the birth date is unknown. */
  public Integer getAgeYears() {
    if (patient == null || !patient.hasBirthDate()) {
      return null;
    }
    LocalDate born = patient.getBirthDate().toInstant().atZone(ZoneId.of("UTC")).toLocalDate();
    return Period.between(born, referredOn).getYears();
  }

  /** True if a reason for referral has this code (any system). */
  public boolean hasReason(String code) {
    return reasons().stream().anyMatch(c -> code.equals(c.getCode()));
  }

  /** True if a coded reason for referral is in the ValueSet with this canonical URL. */
  public boolean hasReasonIn(String valueSetUrl) {
    return reasons().stream()
        .anyMatch(c -> terminology.validateCode(valueSetUrl, c.getSystem(), c.getCode()));
  }

  /** ODS code of the referring organisation, or null. */
  public String getRequesterOds() {
    Identifier identifier = received.getRequester().getIdentifier();
    return ConformancePackage.ODS_ORGANIZATION_SYSTEM.equals(identifier.getSystem())
        ? identifier.getValue()
        : null;
  }

  /** URN of the referring school, or null when the referrer is not a school. */
  public String getSchoolUrn() {
    Identifier identifier = received.getRequester().getIdentifier();
    return ServiceDirectory.SCHOOL_URN_SYSTEM.equals(identifier.getSystem())
        ? identifier.getValue()
        : null;
  }

  /** Who referred: {@code self}, {@code gp}, {@code school} or {@code other}. */
  public String getReferrerKind() {
    String type = received.getRequester().getReferenceElement().getResourceType();
    if ("Patient".equals(type)
        || "RelatedPerson".equals(type)
        || "Patient".equals(received.getRequester().getType())
        || received.getCode().getCoding().stream()
            .anyMatch(c -> SELF_REFERRAL.equals(c.getCode()))) {
      return "self";
    }
    if (getSchoolUrn() != null) {
      return "school";
    }
    String ods = getRequesterOds();
    return ods != null && GP_PRACTICE.matcher(ods).matches() ? "gp" : "other";
  }

  /** Postcode area of the young person's home, e.g. {@code LS} for LS6 2AB, or null. */
  public String getPostcodeArea() {
    String district = getPostcodeDistrict();
    return district == null ? null : district.replaceAll("\\d.*$", "");
  }

  /** Postcode district of the young person's home, e.g. {@code LS6} for LS6 2AB, or null. */
  public String getPostcodeDistrict() {
    if (patient == null) {
      return null;
    }
    return patient.getAddress().stream()
        .filter(a -> a.hasPostalCode())
        .map(a -> a.getPostalCode().trim().toUpperCase(Locale.ROOT).split("\\s+")[0])
        .findFirst()
        .orElse(null);
  }

  /** True if the directory has a service of this type that this young person is eligible for. */
  public boolean eligibleFor(String serviceType) {
    return eligibleService(serviceType).isPresent();
  }

  /** The first directory service of this type this young person is eligible for. */
  public Optional<DirectoryService> eligibleService(String serviceType) {
    return directory.ofType(serviceType).stream()
        .filter(s -> s.serves(getAgeYears(), getPostcodeDistrict(), getSchoolUrn()))
        .findFirst();
  }

  /** The referral as received (read-only by convention). */
  public ServiceRequest received() {
    return received;
  }

  /** The referral as this route will deliver it, after any translation. */
  public ServiceRequest outgoing() {
    return outgoing;
  }

  public Patient patient() {
    return patient;
  }

  /** Resources sent with the referral, unless the recipient may not have them (redaction). */
  public List<Resource> supportingInfo() {
    return supportingInfo;
  }

  /** The day the referral was made: consent and age are judged as on that day. */
  public LocalDate referredOn() {
    return referredOn;
  }

  /**
   * The break-glass reason code the referrer gave ({@code cypmh-break-glass-reason}), or null: a
   * request to share without consent because of a safeguarding concern or to protect life.
   */
  public String breakGlassReason() {
    Extension breakGlass = received.getExtensionByUrl(ConformancePackage.BREAK_GLASS_EXTENSION);
    if (breakGlass == null || breakGlass.getExtensionByUrl("reason") == null) {
      return null;
    }
    return breakGlass.getExtensionByUrl("reason").getValue() instanceof Coding reason
        ? reason.getCode()
        : null;
  }

  private List<Coding> reasons() {
    return received.getReasonCode().stream().flatMap(c -> c.getCoding().stream()).toList();
  }
}
