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
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Every partner system the gateway knows: those in configuration ({@code
 * gateway.security.partners.*}, read-only) and those registered through the admin API (stored in
 * {@code GW_PARTNER}, re-read every {@code gateway.security.partner-refresh}). Looks a partner up
 * by client id or by the certificate it presented.
 */
@Component
public class PartnerRegistry {

  private final Map<String, PartnerRegistration> configured;
  // Copy-on-write: replaced whole by a refresh, or by a registration or removal on this node.
  private volatile Map<String, PartnerRegistration> stored = Map.of();
  private volatile long loadedAt;
  private final AtomicLong localChanges = new AtomicLong();
  private final ReentrantLock loading = new ReentrantLock();
  private final long refreshNanos;
  private final ObjectMapper json;
  private final Clock clock;
  private final TrustedIssuers issuers;
  // True once stored holds what GW_PARTNER held at loadedAt (System.nanoTime()).
  private volatile boolean loaded;
  private static final Logger log = LoggerFactory.getLogger(PartnerRegistry.class);

  @PersistenceContext private EntityManager entityManager;

  PartnerRegistry(
      SecurityProperties properties, DemoCredentials demo, ObjectMapper json, Clock clock) {
    // The demo credentials (if any) are made before the registrations that name their files.
    demo.ensureGenerated();
    this.json = json;
    this.clock = clock;
    this.refreshNanos = properties.partnerRefresh().toNanos();
    this.issuers =
        new TrustedIssuers(
            new CertificateAuthority(properties.pkiDir()), properties.mtls().trustedCas());
    Map<String, PartnerRegistration> partners = new LinkedHashMap<>();
    demo.registrations().forEach(partner -> partners.put(partner.clientId(), partner));
    properties
        .partners()
        .forEach((clientId, partner) -> partners.put(clientId, from(clientId, partner)));
    partners.forEach(
        (clientId, partner) -> {
          if (!issuerIsTrusted(partner)) {
            throw new IllegalStateException(
                "gateway.security.partners."
                    + clientId
                    + ".certificate-issuer: not one of gateway.security.mtls.trusted-cas");
          }
        });
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
          partner.certificateIssuer(),
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

  /**
   * The partner the certificate belongs to: registered with its SHA-256 fingerprint, or with its
   * subject and issuer (the gateway's own CA when the registration names none). A certificate with
   * the same subject from another trusted CA is not that partner.
   */
  public Optional<PartnerRegistration> byCertificate(X509Certificate certificate) {
    String fingerprint = CertificateAuthority.fingerprint(certificate);
    return all().stream()
        .filter(partner -> matches(partner, certificate, fingerprint, issuers))
        .findFirst();
  }

  private boolean issuerIsTrusted(PartnerRegistration partner) {
    return partner.certificateIssuer() == null || issuers.isExternalCa(partner.certificateIssuer());
  }

  static boolean matches(
      PartnerRegistration partner,
      X509Certificate certificate,
      String fingerprint,
      TrustedIssuers issuers) {
    if (!partner.authMethods().contains(AuthMethod.MTLS)) {
      return false;
    }
    if (partner.certificateFingerprint() != null) {
      return ConstantTime.equals(partner.certificateFingerprint(), fingerprint);
    }
    return partner.certificateSubject() != null
        && TrustedIssuers.sameName(
            partner.certificateSubject(), certificate.getSubjectX500Principal())
        && issuers.issued(partner.certificateIssuer(), certificate);
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
    if (!issuerIsTrusted(partner)) {
      throw new IllegalArgumentException(
          "Invalid partner registration: certificateIssuer: not a CA the gateway trusts"
              + " (gateway.security.mtls.trusted-cas)");
    }
    String text = write(partner);
    StoredPartner row = entityManager.find(StoredPartner.class, partner.clientId());
    if (row == null) {
      entityManager.persist(new StoredPartner(partner.clientId(), text, clock.instant()));
    } else {
      row.update(text, clock.instant());
    }
    afterCommit(partners -> partners.put(partner.clientId(), partner));
    return partner;
  }

  @Transactional
  public boolean remove(String clientId) {
    StoredPartner row = entityManager.find(StoredPartner.class, clientId);
    afterCommit(partners -> partners.remove(clientId));
    if (row == null) {
      return false;
    }
    entityManager.remove(row);
    return true;
  }

  /** Applies a registration or removal to this node's copy once it is in the database. */
  private void afterCommit(java.util.function.Consumer<Map<String, PartnerRegistration>> change) {
    if (TransactionSynchronizationManager.isSynchronizationActive()) {
      TransactionSynchronizationManager.registerSynchronization(
          new TransactionSynchronization() {
            @Override
            public void afterCommit() {
              change(change);
            }
          });
    } else {
      change(change);
    }
  }

  private void change(java.util.function.Consumer<Map<String, PartnerRegistration>> change) {
    synchronized (this) {
      Map<String, PartnerRegistration> partners = new LinkedHashMap<>(stored);
      change.accept(partners);
      stored = Map.copyOf(partners);
      localChanges.incrementAndGet();
    }
  }

  /**
   * The API-registered partners: read from {@code GW_PARTNER} on first use and again once {@code
   * partner-refresh} has passed (by one request; others meanwhile use what was read before), so
   * registrations and removals made on other nodes are seen without a query per request.
   */
  private Map<String, PartnerRegistration> storedPartners() {
    if (loaded && System.nanoTime() - loadedAt < refreshNanos) {
      return stored;
    }
    if (loaded) {
      if (!loading.tryLock()) {
        return stored;
      }
    } else {
      loading.lock();
    }
    try {
      if (loaded && System.nanoTime() - loadedAt < refreshNanos) {
        return stored;
      }
      for (int attempt = 1; ; attempt++) {
        long changesBefore = localChanges.get();
        Map<String, PartnerRegistration> read = new LinkedHashMap<>();
        try {
          for (StoredPartner row :
              entityManager
                  .createQuery("select p from StoredPartner p", StoredPartner.class)
                  .getResultList()) {
            read.put(row.clientId(), read(row.registration()));
          }
        } catch (RuntimeException e) {
          if (!loaded) {
            throw e;
          }
          log.warn(
              "Cannot re-read the registered partners; using those read before: {}", e.toString());
          loadedAt = System.nanoTime();
          return stored;
        }
        synchronized (this) {
          // A registration or removal committed on this node while reading may be missing from
          // what was read: read again (the change is in the database by now).
          if (localChanges.get() == changesBefore || attempt == 3) {
            stored = Map.copyOf(read);
            loadedAt = System.nanoTime();
            loaded = true;
            return stored;
          }
        }
      }
    } finally {
      loading.unlock();
    }
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
