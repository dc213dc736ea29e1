package org.cypmh.gateway.security;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A partner system the gateway knows: its client id, the organisation it acts for, how it may
 * authenticate and what it may do.
 *
 * @param clientId the OAuth2 client id (also the certificate's CN when issued by the CLI).
 * @param odsCode the ODS code of the partner's Organization; every request it makes is that
 *     organisation's ({@code Caller}).
 * @param role partner or admin (the operator).
 * @param authMethods the ways it may authenticate.
 * @param certificateSubject subject DN of its client certificate, or null.
 * @param certificateIssuer issuer DN of that certificate (a CA in {@code
 *     gateway.security.mtls.trusted-cas}); null: the gateway's own CA.
 * @param certificateFingerprint SHA-256 fingerprint of its certificate (lower-case hex), or null.
 * @param jwks its public keys (JWK Set JSON) for client assertions, or null.
 * @param scopes the SMART v2 scopes it may be granted.
 * @param requestsPerMinute its own rate limit, or null for the default.
 */
public record PartnerRegistration(
    String clientId,
    String odsCode,
    PartnerRole role,
    Set<AuthMethod> authMethods,
    String certificateSubject,
    String certificateIssuer,
    String certificateFingerprint,
    String jwks,
    List<String> scopes,
    Integer requestsPerMinute) {

  private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern ODS_CODE = Pattern.compile("[A-Za-z0-9]{1,12}");

  /** Checks a registration from configuration or the admin API; the message names the field. */
  public PartnerRegistration {
    require(
        clientId != null && CLIENT_ID.matcher(clientId).matches(),
        "clientId: letters, digits, . _ -");
    require(odsCode != null && ODS_CODE.matcher(odsCode).matches(), "odsCode: an ODS code");
    odsCode = odsCode.toUpperCase(Locale.ROOT);
    require(role != null, "role: partner or admin");
    require(
        authMethods != null && !authMethods.isEmpty(), "authMethods: mtls and/or private-key-jwt");
    authMethods = Set.copyOf(authMethods);
    require(
        !authMethods.contains(AuthMethod.MTLS)
            || certificateSubject != null
            || certificateFingerprint != null,
        "certificateSubject or certificateFingerprint: needed for mtls");
    require(
        !authMethods.contains(AuthMethod.PRIVATE_KEY_JWT) || jwks != null,
        "jwks: needed for private-key-jwt");
    require(
        certificateIssuer == null || isDistinguishedName(certificateIssuer),
        "certificateIssuer: a distinguished name, e.g. CN=Example CA,O=Example");
    require(
        certificateIssuer == null || certificateSubject != null,
        "certificateIssuer: only with certificateSubject");
    scopes = scopes == null ? List.of() : List.copyOf(scopes);
    for (String scope : scopes) {
      require(SmartScope.isValid(scope), "scopes: '" + scope + "' is not a SMART v2 system scope");
    }
    if (certificateFingerprint != null) {
      certificateFingerprint = certificateFingerprint.replace(":", "").toLowerCase(Locale.ROOT);
    }
    require(requestsPerMinute == null || requestsPerMinute > 0, "requestsPerMinute: above 0");
  }

  @JsonIgnore
  public boolean isAdmin() {
    return role == PartnerRole.ADMIN;
  }

  private static boolean isDistinguishedName(String name) {
    try {
      return new org.bouncycastle.asn1.x500.X500Name(name).size() > 0;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException("Invalid partner registration: " + message);
    }
  }
}
