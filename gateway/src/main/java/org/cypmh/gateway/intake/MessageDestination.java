package org.cypmh.gateway.intake;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.cypmh.routes.api.DirectoryService;
import org.cypmh.routes.api.ServiceDirectory;
import org.hl7.fhir.r4.model.MessageHeader;
import org.springframework.stereotype.Component;

/**
 * Who a message is for, as a BaRS receiver must check: {@code MessageHeader.destination.endpoint}
 * names the gateway (its configured BaRS address, another name it is known by, or the address the
 * request was made to) or a directory service ({@code system|value}, as BaRS writes a DoS service
 * id, e.g. {@code https://fhir.nhs.uk/Id/dos-service-id|2000001}, or the gateway's own service id
 * system). A message for a directory service is passed on to it (the gateway as proxy), as if the
 * sender had named it in {@code NHSD-Target-Identifier}; a message for anyone else is refused with
 * {@code REC_UNPROCESSABLE_ENTITY}, and so is one whose destination contradicts the target header.
 */
@Component
class MessageDestination {

  private final BarsProperties properties;
  private final ServiceDirectory directory;

  MessageDestination(BarsProperties properties, ServiceDirectory directory) {
    this.properties = properties;
    this.directory = directory;
  }

  /**
   * The directory service the message goes to (the target header's, or the one its destination
   * names), or null if it is for the gateway itself.
   */
  String check(MessageHeader header, String targetService, RequestDetails request) {
    if (!header.hasDestination()) {
      throw BarsError.REC_BAD_REQUEST.exception(
          "MessageHeader.destination is required: BaRS addresses every message",
          "Bundle.entry[0].resource.destination");
    }
    Set<String> gateway = gatewayAddresses(request);
    String service = targetService;
    List<MessageHeader.MessageDestinationComponent> destinations = header.getDestination();
    for (int i = 0; i < destinations.size(); i++) {
      String endpoint = destinations.get(i).getEndpoint();
      String expression = "Bundle.entry[0].resource.destination[" + i + "].endpoint";
      if (endpoint == null || endpoint.isBlank()) {
        throw BarsError.REC_BAD_REQUEST.exception(
            "MessageHeader.destination.endpoint is required", expression);
      }
      if (gateway.contains(normalised(endpoint))) {
        continue;
      }
      Optional<String> named = directoryService(endpoint);
      if (named.isEmpty()) {
        throw BarsError.REC_UNPROCESSABLE_ENTITY.exception(
            "This message is addressed to "
                + endpoint
                + ", which is neither this gateway ("
                + properties.endpoint()
                + ") nor a service in its directory",
            expression);
      }
      if (service != null && !service.equals(named.get())) {
        throw BarsError.REC_UNPROCESSABLE_ENTITY.exception(
            "MessageHeader.destination names the service "
                + named.get()
                + " but "
                + BarsHeaders.TARGET
                + " names "
                + service,
            expression);
      }
      service = named.get();
    }
    return service;
  }

  private Set<String> gatewayAddresses(RequestDetails request) {
    Set<String> addresses = new HashSet<>();
    addresses.add(normalised(properties.endpoint()));
    properties.alsoKnownAs().forEach(a -> addresses.add(normalised(a)));
    if (request != null && request.getFhirServerBase() != null) {
      addresses.add(normalised(request.getFhirServerBase() + "/$process-message"));
      addresses.add(normalised(request.getFhirServerBase()));
    }
    return addresses;
  }

  /** A {@code system|value} destination naming a directory service. */
  private Optional<String> directoryService(String endpoint) {
    int bar = endpoint.lastIndexOf('|');
    if (bar <= 0 || bar == endpoint.length() - 1) {
      return Optional.empty();
    }
    return directory
        .byIdentifier(endpoint.substring(0, bar), endpoint.substring(bar + 1))
        .map(DirectoryService::serviceId);
  }

  private static String normalised(String address) {
    String trimmed = address.trim();
    while (trimmed.endsWith("/")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    return trimmed.toLowerCase(Locale.ROOT);
  }
}
