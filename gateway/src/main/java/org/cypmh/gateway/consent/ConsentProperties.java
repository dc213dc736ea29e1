package org.cypmh.gateway.consent;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The consent policy: what each kind of recipient may rely on when no Consent resource decides.
 *
 * @param enabled decide consent on routing and filter partner reads (default true); {@code false}
 *     only for the load benchmark's bare-HAPI comparison, never in a deployment
 * @param sectors basis per recipient sector (the {@code sector} property of the service type in
 *     {@code cypmh-service-type}: {@code cyp-nhs}, {@code adult-nhs}, {@code primary-care}, {@code
 *     vcse}, {@code youth-justice}, {@code education}); a sector not listed needs an explicit
 *     permit
 * @param serviceTypes basis per service type, overriding its sector (e.g. {@code mhst: explicit}:
 *     support teams work inside schools)
 * @param restricted which data is restricted and who may receive it
 * @param breakGlass when an emergency override is honoured
 * @param recording who may record Consents that release records ({@link ConsentRecording})
 */
@Validated
@ConfigurationProperties("gateway.consent")
public record ConsentProperties(
    @DefaultValue("true") boolean enabled,
    @NotNull Map<String, Basis> sectors,
    @DefaultValue Map<String, Basis> serviceTypes,
    @Valid @NotNull Restricted restricted,
    @Valid @NotNull BreakGlass breakGlass,
    @Valid @NotNull @DefaultValue Recording recording) {

  /** What a recipient may rely on without a Consent resource. */
  public enum Basis {
    /** Direct care: shared unless an active Consent denies it. */
    IMPLIED,
    /** Shared only under an active Consent that permits it; otherwise held awaiting consent. */
    EXPLICIT
  }

  /**
   * @param labels security label codes ({@code v3-Confidentiality}) that mark restricted data
   * @param clearedServiceTypes service types cleared to receive restricted data; everyone else gets
   *     the referral without it
   */
  public record Restricted(@NotNull Set<String> labels, @NotNull Set<String> clearedServiceTypes) {}

  /**
   * @param reasons reason codes ({@code cypmh-break-glass-reason}) that may be given
   * @param serviceTypes service types an override may reach (crisis and safeguarding services); a
   *     partner reading may break glass if it provides one of them
   * @param readValidity how long a partner's break-glass read of a young person opens their records
   *     to that partner (default one hour); then a new break-glass is needed
   */
  public record BreakGlass(
      @NotNull Set<String> reasons,
      @NotNull Set<String> serviceTypes,
      @DefaultValue("PT1H") @NotNull Duration readValidity) {}

  /**
   * @param sectors recipient sectors whose services, with a care relationship to the young person
   *     (their GP practice, or a service on one of their Tasks), may record any Consent; other
   *     partners may record denials and permits naming others, never a permit for themselves
   */
  public record Recording(@DefaultValue({"cyp-nhs", "primary-care"}) Set<String> sectors) {}

  /** The basis a recipient of these service types and sector relies on; the strictest wins. */
  public Basis basisFor(Set<String> recipientServiceTypes, String sector) {
    boolean anyOverride = recipientServiceTypes.stream().anyMatch(serviceTypes::containsKey);
    if (anyOverride) {
      return recipientServiceTypes.stream()
              .map(serviceTypes::get)
              .anyMatch(b -> b == Basis.EXPLICIT)
          ? Basis.EXPLICIT
          : Basis.IMPLIED;
    }
    return sector == null ? Basis.EXPLICIT : sectors.getOrDefault(sector, Basis.EXPLICIT);
  }
}
