package org.cypmh.gateway.console;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.SearchTotalModeEnum;
import ca.uhn.fhir.rest.api.SummaryEnum;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.DateRangeParam;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.cypmh.routes.api.RoutingConsole;
import org.cypmh.routes.api.RoutingConsole.FlowCount;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The flow dashboard: referrals received and deliveries by status over the last hour and day, per
 * pathway (route) and per partner (destination service); partners' circuit breakers and last
 * success.
 */
@Controller
class DashboardController {

  /** The delivery statuses, in the order of the flow, as columns. */
  static final List<String> STATUSES =
      List.of("PENDING", "WITHHELD", "DELIVERED", "DEAD", "CANCELLED");

  private final RoutingConsole routing;
  private final DaoRegistry daoRegistry;
  private final Clock clock;

  DashboardController(RoutingConsole routing, DaoRegistry daoRegistry, Clock clock) {
    this.routing = routing;
    this.daoRegistry = daoRegistry;
    this.clock = clock;
  }

  /** One window's figures: totals, and the same per pathway and per partner. */
  record Window(
      String label,
      int received,
      Map<String, Long> totals,
      Map<String, Map<String, Long>> byPathway,
      Map<String, Map<String, Long>> byPartner) {}

  @GetMapping({"/console", "/console/"})
  String dashboard(Model model) {
    Instant now = clock.instant();
    model.addAttribute("statuses", STATUSES);
    model.addAttribute(
        "windows",
        List.of(
            window("Last hour", now.minus(Duration.ofHours(1))),
            window("Last day", now.minus(Duration.ofDays(1)))));
    model.addAttribute("lastDelivered", routing.lastDelivered());
    model.addAttribute("breakers", routing.breakerStates());
    return "console/dashboard";
  }

  private Window window(String label, Instant since) {
    List<FlowCount> counts = routing.flowCounts(since);
    Map<String, Long> totals = new LinkedHashMap<>();
    STATUSES.forEach(s -> totals.put(s, 0L));
    counts.forEach(c -> totals.merge(c.status(), c.count(), Long::sum));
    return new Window(
        label,
        receivedSince(since),
        totals,
        by(counts, FlowCount::route),
        by(counts, FlowCount::serviceId));
  }

  private static Map<String, Map<String, Long>> by(
      List<FlowCount> counts, Function<FlowCount, String> key) {
    Map<String, Map<String, Long>> rows = new TreeMap<>();
    for (FlowCount count : counts) {
      Map<String, Long> row =
          rows.computeIfAbsent(
              String.valueOf(key.apply(count)),
              k -> {
                Map<String, Long> empty = new LinkedHashMap<>();
                STATUSES.forEach(s -> empty.put(s, 0L));
                return empty;
              });
      row.merge(count.status(), count.count(), Long::sum);
    }
    return rows;
  }

  /** Referrals (ServiceRequests) stored since: every intake, routed or not. */
  private int receivedSince(Instant since) {
    SearchParameterMap map = SearchParameterMap.newSynchronous();
    map.setLastUpdated(new DateRangeParam(Date.from(since), null));
    // A count query: no referral is loaded, however many came in.
    map.setSummaryMode(SummaryEnum.COUNT);
    map.setSearchTotalMode(SearchTotalModeEnum.ACCURATE);
    Integer size =
        daoRegistry
            .getResourceDao(ServiceRequest.class)
            .search(map, new SystemRequestDetails())
            .size();
    return size == null ? 0 : size;
  }
}
