package org.cypmh.gateway.security;

/** How a registered system may prove who it is. */
public enum AuthMethod {
  /** A client certificate on the mutual-TLS port. */
  MTLS,
  /** OAuth2 client credentials with a signed JWT client assertion (RFC 7523). */
  PRIVATE_KEY_JWT
}
