package org.cypmh.gateway.demo;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The demo partner network ({@code gateway.demo-partners.*}), embedded default only.
 *
 * @param enabled run the simulated partner systems when {@code gateway.security.demo} is on (the
 *     {@code prod} profile refuses it)
 * @param port their HTTPS (mutual TLS) port; 0: a free port
 * @param answerDelay how long a simulated service waits before answering a referral (accepted), and
 *     again before the next answer (in progress)
 * @param keepReceived how many received payloads each service keeps in memory
 */
@ConfigurationProperties("gateway.demo-partners")
public record DemoPartnerProperties(
    @DefaultValue("false") boolean enabled,
    @DefaultValue("9443") int port,
    @DefaultValue("2s") Duration answerDelay,
    @DefaultValue("20") int keepReceived) {}
