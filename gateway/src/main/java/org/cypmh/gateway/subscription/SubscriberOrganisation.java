package org.cypmh.gateway.subscription;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.cypmh.gateway.consent.Recipient;
import org.cypmh.gateway.consent.Recipients;
import org.cypmh.gateway.fhir.Caller;
import org.cypmh.gateway.fhir.FhirServerInterceptor;
import org.cypmh.gateway.fhir.Refusal;
import org.cypmh.profiles.api.ConformancePackage;
import org.cypmh.routes.api.DirectoryService;
import org.cypmh.routes.api.PartnerEndpoint;
import org.cypmh.routes.api.ServiceDirectory;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Subscription;
import org.springframework.stereotype.Component;

/**
 * Whose a Subscription is, and where it may deliver. The gateway stamps every Subscription a
 * partner makes with the partner's organisation (a partner cannot name another), and accepts its
 * endpoint only where that organisation receives: the origin (scheme, host, port) of one of its
 * directory Endpoints, or a prefix the operator allows ({@code
 * gateway.subscriptions.allowed-endpoints}). Anything else (loopback, the gateway's own network,
 * another organisation's system) is refused with 403 {@code forbidden}: a subscription must not
 * make the gateway call where the partner says (server-side request forgery). What a stamped
 * subscription is then told of is decided when a record changes ({@link TaskChangeNotifications}).
 * The client certificate the gateway presents there is the one its directory Endpoint names ({@code
 * endpoint-credentials}), set by the gateway, never chosen by the partner. The operator's
 * subscriptions are not stamped and may name any endpoint and credentials.
 */
@Component
public class SubscriberOrganisation implements FhirServerInterceptor {

  public static final String EXTENSION =
      "https://cypmh-gateway.org/fhir/StructureDefinition/subscriber-organisation";

  private final Recipients recipients;
  private final ServiceDirectory directory;
  private final SubscriptionProperties properties;

  SubscriberOrganisation(
      Recipients recipients, ServiceDirectory directory, SubscriptionProperties properties) {
    this.recipients = recipients;
    this.directory = directory;
    this.properties = properties;
  }

  /** The ODS code of the organisation that made it, or empty for the operator's. */
  public static Optional<String> of(Subscription subscription) {
    return subscription.getExtensionByUrl(EXTENSION) != null
            && subscription.getExtensionByUrl(EXTENSION).getValue() instanceof Identifier subscriber
        ? Optional.ofNullable(subscriber.getValue())
        : Optional.empty();
  }

  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
  public void creating(IBaseResource resource, RequestDetails request) {
    check(resource, request);
  }

  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
  public void updating(IBaseResource previous, IBaseResource current, RequestDetails request) {
    check(current, request);
  }

  private void check(IBaseResource resource, RequestDetails request) {
    if (!(resource instanceof Subscription subscription)) {
      return;
    }
    Caller caller = Caller.of(request);
    subscription.getExtension().removeIf(e -> EXTENSION.equals(e.getUrl()));
    if (!caller.isPartner() || caller.isMalformed()) {
      if (subscription.getCriteria().startsWith("CarePlan")) {
        throw new UnprocessableEntityException(
            "Care plan subscriptions are made by a GP practice for its registered patients:"
                + " the practice subscribes with its own credentials");
      }
      return;
    }
    String endpoint = subscription.getChannel().getEndpoint();
    if (!receivesAt(caller.odsCode(), endpoint)) {
      refuse(
          "Subscription.channel.endpoint is not an address registered for organisation "
              + caller.odsCode()
              + ": notifications go only to the origin of one of its directory Endpoints or to an"
              + " address the operator allows (gateway.subscriptions.allowed-endpoints)");
    }
    subscription.addExtension(
        EXTENSION,
        new Identifier()
            .setSystem(ConformancePackage.ODS_ORGANIZATION_SYSTEM)
            .setValue(caller.odsCode()));
    // Which client certificate the gateway presents is the directory's to say, not the partner's:
    // the credentials of the organisation's Endpoint at that origin, if it has any.
    subscription
        .getExtension()
        .removeIf(e -> ServiceDirectory.CREDENTIALS_EXTENSION.equals(e.getUrl()));
    credentialsFor(caller.odsCode(), endpoint)
        .ifPresent(
            credentials ->
                subscription.addExtension(
                    ServiceDirectory.CREDENTIALS_EXTENSION, new StringType(credentials)));
  }

  /** The credentials of the organisation's directory Endpoint at the endpoint's origin, if any. */
  private Optional<String> credentialsFor(String ods, String endpoint) {
    Optional<String> origin = httpUrl(endpoint).map(SubscriberOrganisation::origin);
    return directoryEndpoints(ods)
        .filter(e -> httpUrl(e.address()).map(SubscriberOrganisation::origin).equals(origin))
        .map(PartnerEndpoint::credentials)
        .filter(Objects::nonNull)
        .findFirst();
  }

  private java.util.stream.Stream<PartnerEndpoint> directoryEndpoints(String ods) {
    return recipients.byOdsCode(ods).map(Recipient::organisation).stream()
        .flatMap(organisation -> directory.ofOrganisation(organisation).stream())
        .map(DirectoryService::endpoint)
        .filter(Objects::nonNull);
  }

  /** Whether the organisation receives at this URL (see the class comment). */
  boolean receivesAt(String ods, String endpoint) {
    Optional<URI> url = httpUrl(endpoint);
    if (url.isEmpty()) {
      return false;
    }
    String normalised = url.get().toString();
    if (properties.allowedEndpoints().stream().anyMatch(prefix -> under(normalised, prefix))) {
      return true;
    }
    String origin = origin(url.get());
    return directoryEndpoints(ods)
        .map(e -> httpUrl(e.address()))
        .flatMap(Optional::stream)
        .anyMatch(registered -> origin(registered).equals(origin));
  }

  /**
   * A prefix matches at a path boundary: {@code https://a.example} does not allow {@code
   * https://a.example.evil}.
   */
  private static boolean under(String url, String prefix) {
    return url.startsWith(prefix)
        && (prefix.endsWith("/")
            || url.length() == prefix.length()
            || url.charAt(prefix.length()) == '/'
            || url.charAt(prefix.length()) == '?');
  }

  /** An absolute http(s) URL with a host and no user info, normalised; empty otherwise. */
  private static Optional<URI> httpUrl(String text) {
    if (text == null) {
      return Optional.empty();
    }
    try {
      URI uri = new URI(text.trim()).normalize();
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("https") || scheme.equals("http"))
          || uri.getHost() == null
          || uri.getRawUserInfo() != null) {
        return Optional.empty();
      }
      return Optional.of(uri);
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
  }

  private static String origin(URI uri) {
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
    return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
  }

  private static void refuse(String reason) {
    throw Refusal.forbidden(reason, "Subscription.channel.endpoint");
  }
}
