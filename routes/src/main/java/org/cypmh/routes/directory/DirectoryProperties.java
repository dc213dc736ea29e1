package org.cypmh.routes.directory;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The service directory ({@code routes.directory.*}).
 *
 * @param refresh longest a node keeps a directory answer (default 5 s): an edit made through this
 *     node applies to the next referral, an edit made through another node within this period
 */
@Validated
@ConfigurationProperties("routes.directory")
public record DirectoryProperties(@NotNull @DefaultValue("5s") Duration refresh) {}
