package org.cypmh.gateway.console;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cypmh.gateway.transitions.TransitionOperations;
import org.cypmh.gateway.transitions.TransitionWatch;
import org.hl7.fhir.r4.model.Task;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Transition watch: the young people reaching 17y6m (one transition Task each, made by the watch)
 * and running the watch now ({@code $transition-watch}).
 */
@Controller
class TransitionWatchController {

  private final TransitionOperations transitions;
  private final DaoRegistry daoRegistry;

  TransitionWatchController(TransitionOperations transitions, DaoRegistry daoRegistry) {
    this.transitions = transitions;
    this.daoRegistry = daoRegistry;
  }

  @GetMapping("/console/transitions")
  String transitions(Model model) {
    SearchParameterMap map = SearchParameterMap.newSynchronous();
    map.setLoadSynchronousUpTo(500);
    map.add(Task.SP_IDENTIFIER, new TokenParam(TransitionWatch.TASK_SYSTEM, null));
    List<Map<String, String>> tasks =
        daoRegistry
            .getResourceDao(Task.class)
            .search(map, new SystemRequestDetails())
            .getAllResources()
            .stream()
            .map(r -> row((Task) r))
            .toList();
    model.addAttribute("tasks", tasks);
    return "console/transitions";
  }

  @PostMapping("/console/transitions/run")
  String run(RedirectAttributes redirect) {
    try {
      redirect.addFlashAttribute("outcome", ParameterRows.values(transitions.transitionWatch()));
    } catch (ResourceVersionConflictException runningElsewhere) {
      // The watch never runs twice at once: another node is running it.
      redirect.addFlashAttribute("refused", runningElsewhere.getMessage());
    }
    return "redirect:/console/transitions";
  }

  private static Map<String, String> row(Task task) {
    Map<String, String> row = new LinkedHashMap<>();
    row.put("task", task.getIdElement().getIdPart());
    row.put("status", task.getStatus() == null ? "" : task.getStatus().toCode());
    row.put("priority", task.getPriority() == null ? "" : task.getPriority().toCode());
    row.put("due", task.getRestriction().getPeriod().getEndElement().asStringValue());
    row.put("owner", task.getOwner().getDisplay());
    row.put("description", task.getDescription());
    return row;
  }
}
