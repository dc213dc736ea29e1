package org.cypmh.gateway.intake;

import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.ServiceRequest;

/**
 * How a BaRS sender names its referral. Published BaRS messages give the ServiceRequest no business
 * identifier: it is named by its entry's {@code fullUrl} ({@code urn:uuid:...}, or the same UUID as
 * its {@code id}), which the sender keeps across the request, its updates and the receiver's
 * responses. Where a referral carries no identifier of its own, the gateway records that URN as its
 * identifier ({@code urn:ietf:rfc:3986}), so updates, responses and resubmissions find it as they
 * find any referral by its referrer's identifier.
 */
final class BarsReferralIdentity {

  static final String URN_SYSTEM = "urn:ietf:rfc:3986";

  private static final Pattern UUID =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private BarsReferralIdentity() {}

  /** True if the referral already carries an identifier with a system and a value. */
  static boolean identified(ServiceRequest referral) {
    return referral.getIdentifier().stream().anyMatch(i -> i.hasSystem() && i.hasValue());
  }

  /** The URN a BaRS sender names this referral by, or null if it names it by nothing stable. */
  static String urn(ServiceRequest referral, String fullUrl) {
    if (fullUrl != null && fullUrl.startsWith("urn:uuid:")) {
      return fullUrl;
    }
    String id = referral.getIdElement().getIdPart();
    return id != null && UUID.matcher(id).matches() ? "urn:uuid:" + id : null;
  }

  /**
   * Adds the sender's URN as the referral's identifier when it has none; changes {@code referral}.
   */
  static void recordOn(ServiceRequest referral, String fullUrl) {
    String urn = urn(referral, fullUrl);
    if (!identified(referral) && urn != null) {
      referral.addIdentifier().setSystem(URN_SYSTEM).setValue(urn);
    }
  }
}
