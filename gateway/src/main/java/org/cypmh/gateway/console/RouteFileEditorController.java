package org.cypmh.gateway.console;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import org.cypmh.routes.api.RouteFileEditing;
import org.hl7.fhir.r4.model.Parameters;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * One route file kept in the database: its versions (who changed it, when, why), any version's
 * text, and an editor that saves a new version for every node ({@code $route-file-upload}, {@code
 * $route-file-delete}, {@code $route-file-history}). A refused file stays in the editor with its
 * {@code file:line} problem; nothing is saved. (A file name is not personal data, so it may be in
 * the URL.)
 */
@Controller
class RouteFileEditorController {

  private final RouteFileEditing editing;

  RouteFileEditorController(RouteFileEditing editing) {
    this.editing = editing;
  }

  /** The file's history and, in the editor, its latest text or the version asked for. */
  @GetMapping("/console/routes/file")
  String file(
      @RequestParam("name") String name,
      @RequestParam(name = "version", required = false) Integer version,
      Model model) {
    List<Map<String, String>> versions = versions(name);
    int latest = versions.isEmpty() ? 0 : Integer.parseInt(versions.get(0).get("version"));
    String content = "";
    int shown = version != null ? version : latest;
    if (shown > 0 && !isDeleted(versions, shown)) {
      content = textOf(name, shown);
    }
    return editor(model, name, content, "", latest, versions, null, shown);
  }

  @PostMapping("/console/routes/file")
  String save(
      @RequestParam("name") String name,
      @RequestParam("content") String content,
      @RequestParam(name = "note", defaultValue = "") String note,
      @RequestParam("basedOn") int basedOn,
      Principal operator,
      Model model) {
    try {
      editing.upload(
          name, content.replace("\r\n", "\n"), blankToNull(note), basedOn, who(operator));
    } catch (BaseServerResponseException e) {
      // Refused (422 file:line, 409 someone saved first): keep the operator's text to fix.
      return editor(model, name, content, note, basedOn, versions(name), e.getMessage(), -1);
    }
    return "redirect:/console/routes/file?name=" + name + "&saved";
  }

  @PostMapping("/console/routes/file/delete")
  String delete(
      @RequestParam("name") String name,
      @RequestParam(name = "note", defaultValue = "") String note,
      @RequestParam("basedOn") int basedOn,
      Principal operator,
      Model model) {
    try {
      editing.delete(name, blankToNull(note), basedOn, who(operator));
    } catch (BaseServerResponseException e) {
      List<Map<String, String>> versions = versions(name);
      String content = isDeleted(versions, basedOn) || basedOn == 0 ? "" : textOf(name, basedOn);
      return editor(model, name, content, note, basedOn, versions, e.getMessage(), -1);
    }
    return "redirect:/console/routes?deleted=" + name;
  }

  private String editor(
      Model model,
      String name,
      String content,
      String note,
      int basedOn,
      List<Map<String, String>> versions,
      String problem,
      int shown) {
    model.addAttribute("name", name);
    model.addAttribute("fileText", content);
    model.addAttribute("note", note);
    model.addAttribute("basedOn", basedOn);
    model.addAttribute("versions", versions);
    model.addAttribute("shown", shown);
    model.addAttribute("problem", problem);
    return "console/route-file";
  }

  private List<Map<String, String>> versions(String name) {
    try {
      return ParameterRows.named(editing.history(name, null), "version");
    } catch (ResourceNotFoundException e) {
      return List.of();
    }
  }

  private String textOf(String name, int version) {
    Parameters one = editing.history(name, version);
    return ParameterRows.named(one, "version").get(0).getOrDefault("content", "");
  }

  private static boolean isDeleted(List<Map<String, String>> versions, int version) {
    return versions.stream()
        .anyMatch(
            v ->
                String.valueOf(version).equals(v.get("version"))
                    && "true".equals(v.get("deleted")));
  }

  private static String who(Principal operator) {
    return operator == null ? "console" : operator.getName();
  }

  private static String blankToNull(String text) {
    return text == null || text.isBlank() ? null : text.trim();
  }
}
