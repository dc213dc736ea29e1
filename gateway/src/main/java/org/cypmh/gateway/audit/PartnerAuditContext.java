package org.cypmh.gateway.audit;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.storage.interceptor.balp.IBalpAuditContextServices;
import jakarta.annotation.Nonnull;
import org.cypmh.gateway.fhir.Caller;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;

/**
 * What HAPI's BALP interceptor needs to know about a request: the calling partner (by ODS code) or
 * the gateway's operator, and resource ids relative to the server (so the trail can be searched by
 * {@code Patient/123} whatever address the request came in on).
 */
public class PartnerAuditContext implements IBalpAuditContextServices {

  static final String OPERATOR_SYSTEM = "https://cypmh-gateway.org/fhir/Id/operator";

  @Nonnull
  @Override
  public Reference getAgentClientWho(RequestDetails request) {
    AuditedRequests.mark(request);
    return who(Caller.of(request));
  }

  @Nonnull
  @Override
  public Reference getAgentUserWho(RequestDetails request) {
    return who(Caller.of(request));
  }

  @Nonnull
  @Override
  public String massageResourceIdForStorage(
      @Nonnull RequestDetails request,
      @Nonnull IBaseResource resource,
      @Nonnull IIdType resourceId) {
    return resourceId.toUnqualified().getValue();
  }

  public static Reference who(Caller caller) {
    return caller.isPartner()
        ? AuditEventBuilder.organisation(caller.odsCode(), "organisation " + caller.odsCode())
        : new Reference()
            .setIdentifier(new Identifier().setSystem(OPERATOR_SYSTEM).setValue("operator"))
            .setDisplay("gateway operator");
  }
}
