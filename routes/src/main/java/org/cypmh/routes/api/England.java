package org.cypmh.routes.api;

import java.time.ZoneId;

/**
 * England's calendar: ages, referral dates and reporting days are counted in it, not in the
 * server's time zone.
 */
public final class England {

  public static final ZoneId ZONE = ZoneId.of("Europe/London");

  private England() {}
}
