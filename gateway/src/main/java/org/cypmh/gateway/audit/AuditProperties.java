package org.cypmh.gateway.audit;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Period;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The audit trail: whether it records (off only to measure its cost), how records are sealed, how
 * long they are kept and where the sealing keys live.
 *
 * @param enabled record audit events; {@code false} only for the audit-on-versus-off benchmark
 * @param sealInterval how often unsealed records are sealed
 * @param sealMaxRecords most records in one seal
 * @param retention how long records are kept; older seals' records are purged (their signed seal
 *     headers stay, so the chain still verifies)
 * @param keys the sealing keys
 */
@Validated
@ConfigurationProperties("gateway.audit")
public record AuditProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("1s") @NotNull Duration sealInterval,
    @DefaultValue("1000") @Min(1) int sealMaxRecords,
    @DefaultValue("P8Y") @NotNull Period retention,
    @Valid @NotNull Keys keys) {

  /**
   * @param keystore a PKCS#12 keystore holding the seal signing key ({@code audit-seal}: EC key and
   *     certificate; older {@code audit-seal-*} certificates still verify old seals) and the record
   *     MAC key ({@code audit-record-mac})
   * @param password the keystore password; empty with {@code generate} true: a random one is
   *     written beside the keystore
   * @param generate create the keystore at first start if it does not exist (the embedded default);
   *     production sets false and provides its own
   */
  public record Keys(@NotNull Path keystore, @DefaultValue("") String password, boolean generate) {}
}
