package org.cypmh.routes.routing;

import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;
import org.cypmh.routes.api.ConsentCheck;
import org.cypmh.routes.api.ServiceDirectory;
import org.cypmh.terminology.api.CodeTranslation;
import org.springframework.stereotype.Component;

/**
 * The gateway's building blocks as a Camel component, so route files use them as plain endpoints
 * (and Kaoto shows them as such):
 *
 * <ul>
 *   <li>{@code gateway:referral} starts a routing rule; its body is a {@link
 *       org.cypmh.routes.api.RoutableReferral}
 *   <li>{@code gateway:translate?conceptMap=...&element=performerType} translates codes of the
 *       outgoing referral
 *   <li>{@code gateway:consent?service=...} sets the {@code ConsentPermitted} header
 *   <li>{@code gateway:deliver?service=...} (or {@code serviceType=...}) delivers to a directory
 *       service
 * </ul>
 */
@Component("gateway")
class GatewayComponent extends DefaultComponent {

  private final ServiceDirectory directory;
  private final ConsentCheck consent;
  private final CodeTranslation translation;

  GatewayComponent(ServiceDirectory directory, ConsentCheck consent, CodeTranslation translation) {
    this.directory = directory;
    this.consent = consent;
    this.translation = translation;
  }

  @Override
  protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters)
      throws Exception {
    return switch (remaining) {
      case "referral" -> new ReferralEndpoint(uri, this);
      case "deliver" ->
          new DeliverEndpoint(
              uri,
              this,
              getAndRemoveParameter(parameters, "service", String.class),
              getAndRemoveParameter(parameters, "serviceType", String.class),
              directory,
              consent);
      case "translate" ->
          new TranslateEndpoint(
              uri,
              this,
              getAndRemoveParameter(parameters, "conceptMap", String.class),
              getAndRemoveParameter(parameters, "element", String.class, "performerType"),
              translation);
      case "consent" ->
          new ConsentEndpoint(
              uri,
              this,
              getAndRemoveParameter(parameters, "service", String.class),
              directory,
              consent);
      default ->
          throw new IllegalArgumentException(
              "Unknown gateway block '"
                  + remaining
                  + "': use gateway:referral, gateway:translate, gateway:consent or gateway:deliver");
    };
  }
}
