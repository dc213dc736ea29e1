package org.cypmh.gateway.security;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.io.IOException;
import java.nio.file.Files;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Every partner system the gateway knows: those in configuration ({@code
 * gateway.security.partners.*}, read-only) and those registered through the admin API (stored in
 * {@code GW_PARTNER}). Looks a partner up by client id or by the certificate it presented.
 */
@Component
public class PartnerRegistry {

  private final Map<String, PartnerRegistration> configured;
  private final Map<String, PartnerRegistration> stored = new ConcurrentHashMap<>();
  private final ObjectMapper json;
  private final Clock clock;
  private volatile boolean loaded;

  @PersistenceContext private EntityManager entityManager;

  PartnerRegistry(
      SecurityProperties properties, DemoCredentials demo, ObjectMapper json, Clock clock) {
    // The demo credentials (if any) are made before the registrations that name their files.
    demo.ensureGenerated();
    this.json = json;
    this.clock = clock;
    Map<String, PartnerRegistration> partners = new LinkedHashMap<>();
    demo.registrations().forEach(partner -> partners.put(partner.clientId(), partner));
    properties
        .partners()
        .forEach((clientId, partner) -> partners.put(clientId, from(clientId, partner)));
    this.configured = Map.copyOf(partners);
  }

  private static PartnerRegistration from(String clientId, SecurityProperties.Partner partner) {
    String jwks = null;
    if (partner.jwksFile() != null) {
      try {
        jwks = Files.readString(partner.jwksFile());
      } catch (IOException e) {
        throw new IllegalStateException(
            "gateway.security.partners."
                + clientId
                + ".jwks-file: cannot read "
                + partner.jwksFile());
      }
    }
    try {
      return new PartnerRegistration(
          clientId,
          partner.odsCode(),
          partner.role(),
          partner.authMethods(),
          partner.certificateSubject(),
          partner.certificateFingerprint(),
          jwks,
          partner.scopes(),
          partner.requestsPerMinute());
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "gateway.security.partners." + clientId + ": " + e.getMessage());
    }
  }

  public Optional<PartnerRegistration> byClientId(String clientId) {
    PartnerRegistration partner = configured.get(clientId);
    return partner != null
        ? Optional.of(partner)
        : Optional.ofNullable(storedPartners().get(clientId));
  }

  /** The partner whose registered certificate fingerprint or subject the certificate has. */
  public Optional<PartnerRegistration> byCertificate(X509Certificate certificate) {
    String fingerprint = CertificateAuthority.fingerprint(certificate);
    X500Principal subject = certificate.getSubjectX500Principal();
    return all().stream()
        .filter(partner -> partner.authMethods().contains(AuthMethod.MTLS))
        .filter(
            partner ->
                (partner.certificateFingerprint() != null
                        && ConstantTime.equals(partner.certificateFingerprint(), fingerprint))
                    || (partner.certificateSubject() != null
                        && sameName(partner.certificateSubject(), subject)))
        .findFirst();
  }

  /**
   * Bouncy Castle's comparison: attribute values compared as X.500 says, and a DN written in either
   * order (RFC 2253 strings list the last RDN first; the CLI writes them in issue order).
   */
  private static boolean sameName(String registered, X500Principal presented) {
    try {
      return new X500Name(registered).equals(X500Name.getInstance(presented.getEncoded()));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  public List<PartnerRegistration> all() {
    List<PartnerRegistration> all = new ArrayList<>(configured.values());
    all.addAll(storedPartners().values());
    all.sort(Comparator.comparing(PartnerRegistration::clientId));
    return all;
  }

  /** Client ids registered by configuration (and the demo partners), not through the API. */
  public java.util.Set<String> configuredClientIds() {
    return configured.keySet();
  }

  public boolean isConfigured(String clientId) {
    return configured.containsKey(clientId);
  }

  /** Registers or replaces an API-registered partner. */
  @Transactional
  public PartnerRegistration save(PartnerRegistration partner) {
    if (isConfigured(partner.clientId())) {
      throw new IllegalStateException(
          "Partner " + partner.clientId() + " is registered by configuration; change it there");
    }
    String text = write(partner);
    StoredPartner row = entityManager.find(StoredPartner.class, partner.clientId());
    if (row == null) {
      entityManager.persist(new StoredPartner(partner.clientId(), text, clock.instant()));
    } else {
      row.update(text, clock.instant());
    }
    stored.put(partner.clientId(), partner);
    return partner;
  }

  @Transactional
  public boolean remove(String clientId) {
    StoredPartner row = entityManager.find(StoredPartner.class, clientId);
    stored.remove(clientId);
    if (row == null) {
      return false;
    }
    entityManager.remove(row);
    return true;
  }

  private Map<String, PartnerRegistration> storedPartners() {
    if (!loaded) {
      synchronized (this) {
        if (!loaded) {
          for (StoredPartner row :
              entityManager
                  .createQuery("select p from StoredPartner p", StoredPartner.class)
                  .getResultList()) {
            stored.put(row.clientId(), read(row.registration()));
          }
          loaded = true;
        }
      }
    }
    return stored;
  }

  private String write(PartnerRegistration partner) {
    try {
      return json.writeValueAsString(partner);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private PartnerRegistration read(String text) {
    try {
      return json.readValue(text, PartnerRegistration.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("A stored partner registration is unreadable", e);
    }
  }
}
