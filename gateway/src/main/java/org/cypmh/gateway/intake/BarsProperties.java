package org.cypmh.gateway.intake;

import jakarta.validation.constraints.NotBlank;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * BaRS messaging ({@code $process-message}).
 *
 * @param endpoint the gateway's own BaRS address: a message whose {@code MessageHeader.destination}
 *     names it is for the gateway (default {@code
 *     https://cypmh-gateway.org/fhir/$process-message}).
 * @param alsoKnownAs other destinations that mean the gateway (e.g. its Endpoint Catalogue id as
 *     {@code system|value}, or a public URL behind a proxy). The address a request was made to is
 *     always accepted as well.
 * @param replyCredentials the client certificate ({@code routes.credentials.<name>}) presented when
 *     the gateway posts an asynchronous response to a referrer's own URL ({@code
 *     MessageHeader.source.endpoint}); unset: server-authenticated TLS only. A referrer found in
 *     the directory is answered with its Endpoint's credentials.
 * @param replyHosts the hosts the gateway may answer at a referrer's own URL. A message can name
 *     any address as its {@code source.endpoint}; answering whatever it names would let a sender
 *     make the gateway post a young person's referral to a host of its choosing (or probe the
 *     gateway's own network). A referrer at any other host is answered through the directory (its
 *     organisation's Endpoint), or not at all. Default: none.
 */
@Validated
@ConfigurationProperties("gateway.bars")
record BarsProperties(
    @DefaultValue("https://cypmh-gateway.org/fhir/$process-message") @NotBlank String endpoint,
    @DefaultValue List<String> alsoKnownAs,
    String replyCredentials,
    @DefaultValue List<String> replyHosts) {}
