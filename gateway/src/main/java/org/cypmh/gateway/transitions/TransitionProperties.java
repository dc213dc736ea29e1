package org.cypmh.gateway.transitions;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.time.Period;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The transition watch ({@code routes.transitions.*}: the prefix deployments already set, kept when
 * the watch moved from the routes module into the transitions feature).
 *
 * @param watchInterval how often each node runs the watch (default 1 day); runs on several nodes or
 *     close together create each Task once
 * @param horizon young people with an open CAMHS referral who reach 17 years 6 months within this
 *     period from today are due for transition planning (default 90 days)
 */
@Validated
@ConfigurationProperties("routes.transitions")
public record TransitionProperties(
    @NotNull @DefaultValue("P1D") Duration watchInterval,
    @NotNull @DefaultValue("P90D") Period horizon) {}
