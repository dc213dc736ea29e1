package org.cypmh.routes.routing;

import org.apache.camel.spi.Metadata;

/** The message headers {@code gateway:} endpoints set, as listed in the component's JSON. */
public final class GatewayHeaders {

  @Metadata(
      label = "producer",
      javaType = "Boolean",
      description =
          "Set by gateway:consent: whether the young person's consent permits the referral to go"
              + " to the service")
  public static final String CONSENT_PERMITTED = "ConsentPermitted";

  @Metadata(
      label = "producer",
      javaType = "String",
      description = "Set by gateway:consent: the consent decision's reason, in words")
  public static final String CONSENT_REASON = "ConsentReason";

  private GatewayHeaders() {}
}
