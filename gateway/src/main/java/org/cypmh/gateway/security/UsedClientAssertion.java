package org.cypmh.gateway.security;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/**
 * A client assertion's {@code jti} that has been used ({@code GW_CLIENT_ASSERTION}), shared by
 * every node: the key is client id and jti, so a second insert is a replay. Kept until the
 * assertion expires.
 */
@Entity
@Table(
    name = "GW_CLIENT_ASSERTION",
    indexes = @Index(name = "IDX_GW_CLIENT_ASSERTION_EXP", columnList = "EXPIRES_AT"))
@IdClass(UsedClientAssertion.Key.class)
public class UsedClientAssertion {

  static final int MAX_JTI = 255;

  @Id
  @Column(name = "CLIENT_ID", length = 64)
  private String clientId;

  @Id
  @Column(name = "JTI", length = MAX_JTI)
  private String jti;

  @Column(name = "EXPIRES_AT", nullable = false)
  private Instant expiresAt;

  protected UsedClientAssertion() {}

  UsedClientAssertion(String clientId, String jti, Instant expiresAt) {
    this.clientId = clientId;
    this.jti = jti;
    this.expiresAt = expiresAt;
  }

  /** The primary key: client id and jti. */
  public static class Key implements Serializable {
    private String clientId;
    private String jti;

    public Key() {}

    Key(String clientId, String jti) {
      this.clientId = clientId;
      this.jti = jti;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Key key
          && Objects.equals(clientId, key.clientId)
          && Objects.equals(jti, key.jti);
    }

    @Override
    public int hashCode() {
      return Objects.hash(clientId, jti);
    }
  }
}
