package org.cypmh.gateway.security;

/** What a registered system is to the gateway. */
public enum PartnerRole {
  /** A provider or GP system: what its scopes allow, for its own organisation. */
  PARTNER,
  /** The gateway's operator: every FHIR interaction and the admin API. */
  ADMIN
}
