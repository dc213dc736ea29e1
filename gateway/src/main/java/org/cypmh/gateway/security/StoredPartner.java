package org.cypmh.gateway.security;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * A partner registered through the admin API ({@code GW_PARTNER}), shared by every node. The
 * registration is kept as JSON: it holds public keys and names, never a secret.
 */
@Entity
@Table(name = "GW_PARTNER")
public class StoredPartner {

  @Id
  @Column(name = "CLIENT_ID", length = 64)
  private String clientId;

  @Column(name = "REGISTRATION", nullable = false, length = 20000)
  private String registration;

  @Column(name = "UPDATED_AT", nullable = false)
  private Instant updatedAt;

  protected StoredPartner() {}

  StoredPartner(String clientId, String registration, Instant updatedAt) {
    this.clientId = clientId;
    this.registration = registration;
    this.updatedAt = updatedAt;
  }

  String clientId() {
    return clientId;
  }

  String registration() {
    return registration;
  }

  void update(String registration, Instant updatedAt) {
    this.registration = registration;
    this.updatedAt = updatedAt;
  }
}
