package org.cypmh.routes.operations;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import java.security.Principal;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.cypmh.routes.api.OperationProvider;
import org.cypmh.routes.api.RouteFileEditing;
import org.cypmh.routes.routing.RouteFileStatus;
import org.cypmh.routes.routing.RouteFileVersion;
import org.cypmh.routes.routing.RouteFiles;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.StringType;
import org.springframework.stereotype.Component;

/**
 * The route files kept in the database, changed through the API (operator only, like every
 * operation not granted to partners):
 *
 * <ul>
 *   <li>{@code POST $route-file-upload} ({@code name}, {@code content}, optional {@code note} and
 *       {@code basedOn}): a new version, loaded on this node first, then on every node at its next
 *       poll; refused with 422 and {@code file:line} if it cannot be loaded, 409 if {@code basedOn}
 *       is no longer the latest;
 *   <li>{@code POST $route-file-delete} ({@code name}, optional {@code note}, {@code basedOn});
 *   <li>{@code GET $route-file-history?name=[&version=]}: who changed the file, when and why; with
 *       a version, its text.
 * </ul>
 */
@Component
class RouteFileOperations implements OperationProvider, RouteFileEditing {

  private final RouteFiles routeFiles;

  RouteFileOperations(RouteFiles routeFiles) {
    this.routeFiles = routeFiles;
  }

  @Operation(name = "$route-file-upload", idempotent = false)
  public Parameters upload(
      @OperationParam(name = "name", min = 1, max = 1) StringType name,
      @OperationParam(name = "content", min = 1, max = 1) StringType content,
      @OperationParam(name = "note", max = 1) StringType note,
      @OperationParam(name = "basedOn", max = 1) IntegerType basedOn,
      RequestDetails request) {
    return upload(value(name), value(content), value(note), number(basedOn), changedBy(request));
  }

  @Operation(name = "$route-file-delete", idempotent = false)
  public Parameters delete(
      @OperationParam(name = "name", min = 1, max = 1) StringType name,
      @OperationParam(name = "note", max = 1) StringType note,
      @OperationParam(name = "basedOn", max = 1) IntegerType basedOn,
      RequestDetails request) {
    return delete(value(name), value(note), number(basedOn), changedBy(request));
  }

  @Operation(name = "$route-file-history", idempotent = true)
  public Parameters history(
      @OperationParam(name = "name", min = 1, max = 1) StringType name,
      @OperationParam(name = "version", max = 1) IntegerType version) {
    return history(value(name), number(version));
  }

  @Override
  public Parameters upload(
      String fileName, String content, String note, Integer basedOn, String changedBy) {
    RouteFileVersion saved = routeFiles.save(fileName, content, changedBy, note, basedOn);
    Parameters result = new Parameters();
    ParametersParameterComponent file = result.addParameter().setName("file");
    describe(file, saved, false);
    routeFiles.status().stream()
        .filter(s -> s.file().equals(fileName))
        .findFirst()
        .map(RouteFileStatus::routeIds)
        .orElse(Set.of())
        .stream()
        .sorted()
        .forEach(id -> file.addPart().setName("route").setValue(new StringType(id)));
    return result;
  }

  @Override
  public Parameters delete(String fileName, String note, Integer basedOn, String changedBy) {
    RouteFileVersion deleted = routeFiles.delete(fileName, changedBy, note, basedOn);
    Parameters result = new Parameters();
    describe(result.addParameter().setName("file"), deleted, false);
    return result;
  }

  @Override
  public Parameters history(String fileName, Integer version) {
    List<RouteFileVersion> versions = routeFiles.history(fileName);
    if (versions.isEmpty()) {
      throw new ResourceNotFoundException("No route file " + fileName + " in the database");
    }
    Parameters result = new Parameters();
    if (version != null) {
      RouteFileVersion wanted =
          versions.stream()
              .filter(v -> v.version() == version)
              .findFirst()
              .orElseThrow(
                  () ->
                      new ResourceNotFoundException(
                          "Route file " + fileName + " has no version " + version));
      describe(result.addParameter().setName("version"), wanted, true);
      return result;
    }
    versions.forEach(v -> describe(result.addParameter().setName("version"), v, false));
    return result;
  }

  /** One version's parts: name, version, deleted, sha256, changedBy, changedAt, note (content). */
  static void describe(
      ParametersParameterComponent into, RouteFileVersion version, boolean withContent) {
    into.addPart().setName("name").setValue(new StringType(version.fileName()));
    into.addPart().setName("version").setValue(new IntegerType(version.version()));
    into.addPart().setName("deleted").setValue(new BooleanType(version.deleted()));
    if (version.sha256() != null) {
      into.addPart().setName("sha256").setValue(new CodeType(version.sha256()));
    }
    into.addPart().setName("changedBy").setValue(new StringType(version.changedBy()));
    into.addPart().setName("changedAt").setValue(new DateTimeType(Date.from(version.changedAt())));
    if (version.changeNote() != null) {
      into.addPart().setName("note").setValue(new StringType(version.changeNote()));
    }
    if (withContent && version.content() != null) {
      into.addPart().setName("content").setValue(new StringType(version.content()));
    }
  }

  /** Who is changing the file: the authenticated client or operator, as the server knows them. */
  private static String changedBy(RequestDetails request) {
    return Optional.ofNullable(request)
        .filter(ServletRequestDetails.class::isInstance)
        .map(r -> ((ServletRequestDetails) r).getServletRequest().getUserPrincipal())
        .map(Principal::getName)
        .orElse("unauthenticated caller");
  }

  private static String value(StringType text) {
    return text == null ? null : text.getValue();
  }

  private static Integer number(IntegerType number) {
    if (number != null && number.getValue() != null && number.getValue() < 0) {
      throw new InvalidRequestException("A route file version is 0 or more");
    }
    return number == null ? null : number.getValue();
  }
}
