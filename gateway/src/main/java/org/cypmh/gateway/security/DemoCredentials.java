package org.cypmh.gateway.security;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The embedded default's dev PKI and demo partners ({@code gateway.security.demo}): on first start,
 * a CA and server certificate, a client certificate (PKCS#12, password {@code changeit}) and a
 * client key for each demo partner under {@code pki-dir}; never in production ({@link
 * ProductionGuard}). The demo partners are a VCSE provider (ODS 8HV48: posts referrals and brief
 * interventions, reads its Tasks), the demo GP practice (Y99901: pulls and subscribes to care
 * plans) and the operator.
 */
@Component
public class DemoCredentials {

  static final String PASSWORD = "changeit";
  private static final Logger log = LoggerFactory.getLogger(DemoCredentials.class);

  /** One demo partner: client id, ODS code, role, scopes. */
  record DemoPartner(String clientId, String odsCode, PartnerRole role, List<String> scopes) {}

  static final List<DemoPartner> PARTNERS =
      List.of(
          new DemoPartner(
              "demo-vcse",
              "8HV48",
              PartnerRole.PARTNER,
              List.of(
                  // Referrals are conditional creates (on the referrer's identifier, the Patient on
                  // the NHS number): SMART v2 asks search for those, and HAPI reads the match.
                  "system/ServiceRequest.crus",
                  "system/Patient.crus",
                  "system/Procedure.cru",
                  "system/Task.rs",
                  "system/Consent.c")),
          new DemoPartner(
              "demo-gp",
              "Y99901",
              PartnerRole.PARTNER,
              List.of(
                  // Pulls and subscribes to its patients' transition plans; refers (the guided
                  // demo's GP referrals) and records a young person's consent it witnessed.
                  "system/CarePlan.rs",
                  "system/Subscription.crus",
                  "system/Patient.crus",
                  "system/ServiceRequest.crus",
                  "system/Task.rs",
                  "system/Consent.c")),
          new DemoPartner("demo-admin", "X26", PartnerRole.ADMIN, List.of("system/*.cruds")),
          // The simulated receiving services of the demo partner network (org.cypmh.gateway.demo):
          // each answers the referrals delivered to it with a BaRS servicerequest-response.
          // CAMHS also writes transition care plans; the charity records brief interventions.
          receivingService("demo-camhs", "RZZ", "system/CarePlan.crus", "system/Patient.rs"),
          receivingService("demo-first-steps", "8ZZ02", "system/Procedure.cru"),
          receivingService("demo-mhst", "8ZZ03"),
          receivingService("demo-adult-trust", "RZY"));

  private static DemoPartner receivingService(String clientId, String odsCode, String... more) {
    List<String> scopes =
        new java.util.ArrayList<>(List.of("system/ServiceRequest.c", "system/Task.rus"));
    scopes.addAll(List.of(more));
    return new DemoPartner(clientId, odsCode, PartnerRole.PARTNER, List.copyOf(scopes));
  }

  /** The demo partner of an organisation (ODS code) that may answer referrals, if any. */
  public java.util.Optional<String> answeringClientId(String odsCode) {
    return PARTNERS.stream()
        .filter(p -> p.odsCode().equalsIgnoreCase(odsCode))
        .filter(p -> p.scopes().contains("system/ServiceRequest.c"))
        .map(DemoPartner::clientId)
        .findFirst();
  }

  /** The PKCS#12 client certificate of a demo partner (password {@code changeit}). */
  public Path certificateOf(String clientId) {
    return certificate(clientId);
  }

  /** The dev CA. */
  public CertificateAuthority authority() {
    return authority;
  }

  /** The password of every demo partner's PKCS#12 file. */
  public static char[] password() {
    return PASSWORD.toCharArray();
  }

  private final SecurityProperties properties;
  private final CertificateAuthority authority;

  DemoCredentials(SecurityProperties properties) {
    this.properties = properties;
    this.authority = new CertificateAuthority(properties.pkiDir());
  }

  public boolean enabled() {
    return properties.demo();
  }

  /**
   * Makes the dev CA and demo credentials if demo is on and they are missing; a demo partner added
   * since the CA was made gets its credentials on the next start.
   */
  public synchronized void ensureGenerated() {
    if (!properties.demo()) {
      return;
    }
    boolean created = false;
    if (!authority.exists()) {
      authority.init();
      created = true;
    }
    for (DemoPartner partner : PARTNERS) {
      if (Files.exists(certificate(partner.clientId())) && Files.exists(jwks(partner.clientId()))) {
        continue;
      }
      authority.issue(
          partner.clientId(),
          partner.odsCode(),
          certificate(partner.clientId()),
          PASSWORD.toCharArray(),
          Duration.ofDays(365));
      ClientAssertion.newClientKey(clientKey(partner.clientId()), jwks(partner.clientId()));
      if (!created) {
        log.info("Generated demo partner credentials for {}", partner.clientId());
      }
    }
    if (!created) {
      return;
    }
    log.info(
        "Generated the dev CA and demo partner credentials in {} (embedded default; not for"
            + " production)",
        properties.pkiDir());
  }

  /** The demo partners' registrations (none unless demo is on). */
  List<PartnerRegistration> registrations() {
    if (!properties.demo()) {
      return List.of();
    }
    ensureGenerated();
    return PARTNERS.stream()
        .map(
            partner ->
                new PartnerRegistration(
                    partner.clientId(),
                    partner.odsCode(),
                    partner.role(),
                    Set.of(AuthMethod.MTLS, AuthMethod.PRIVATE_KEY_JWT),
                    CertificateAuthority.subjectOf(partner.clientId(), partner.odsCode()),
                    null,
                    null,
                    read(jwks(partner.clientId())),
                    partner.scopes(),
                    null))
        .toList();
  }

  Path certificate(String clientId) {
    return properties.pkiDir().resolve(clientId + ".p12");
  }

  Path clientKey(String clientId) {
    return properties.pkiDir().resolve(clientId + "-client-key.pem");
  }

  Path jwks(String clientId) {
    return properties.pkiDir().resolve(clientId + ".jwks.json");
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("Demo client key missing: " + file, e);
    }
  }
}
