package org.cypmh.routes.api;

/**
 * Where and how a partner receives referrals: an Endpoint resource.
 *
 * @param resourceId e.g. {@code Endpoint/camhs-crisis}
 * @param address the partner's FHIR base URL (REST) or message URL (BaRS)
 * @param connection FHIR REST transaction or BaRS message
 * @param credentials name of the configured client certificate ({@code routes.credentials.*}), or
 *     null for server-authenticated TLS only
 */
public record PartnerEndpoint(
    String resourceId, String address, Connection connection, String credentials) {

  /** How the payload is shaped and posted. */
  public enum Connection {
    /** A FHIR transaction Bundle POSTed to the partner's base URL. */
    FHIR_REST,
    /** A BaRS message Bundle POSTed to {@code [base]/$process-message}. */
    BARS_MESSAGE
  }
}
