package org.cypmh.routes.routing;

import org.apache.camel.Category;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

// Described the way Camel components describe theirs: Camel's Maven plugin generates the
// component's JSON (read by Camel's catalog and by Kaoto), its configurers and its URI factory from
// these annotations (routes/pom.xml). Each block is its own subclass; the component creates the one
// the path names, and that subclass checks its options.
/**
 * The CYPMH gateway's routing building blocks: start a routing rule on each referral, translate its
 * codes, ask for the young person's consent and deliver it to a directory service.
 */
@UriEndpoint(
    firstVersion = "0.1.0",
    scheme = "gateway",
    title = "CYPMH Gateway",
    syntax = "gateway:block",
    category = {Category.HEALTH},
    headersClass = GatewayHeaders.class,
    remote = false)
abstract class GatewayEndpoint extends DefaultEndpoint {

  /** The element gateway:translate translates when a route names none. */
  static final String DEFAULT_ELEMENT = "performerType";

  @UriPath(
      enums = "referral,deliver,translate,consent",
      description =
          "The building block: referral starts a routing rule (from) with the referral as body;"
              + " translate adds mapped codes to the outgoing referral; consent sets the"
              + " ConsentPermitted and ConsentReason headers for one service; deliver plans a"
              + " delivery to a directory service, which the gateway stores, sends, retries and"
              + " audits")
  @Metadata(required = true)
  private String block;

  @UriParam(
      label = "producer",
      description =
          "deliver, consent: the directory service identifier of the destination, e.g."
              + " camhs-crisis (deliver takes exactly one of service and serviceType)")
  private String service;

  @UriParam(
      label = "producer",
      description =
          "deliver: a service type code; the referral goes to the eligible directory service of"
              + " that type for the young person (e.g. mhst: their school's team), or nowhere if"
              + " none is")
  private String serviceType;

  @UriParam(
      label = "producer",
      description =
          "translate: the canonical URL of the ConceptMap whose mappings are added to the element's"
              + " codings (required for translate)")
  private String conceptMap;

  @UriParam(
      label = "producer",
      defaultValue = DEFAULT_ELEMENT,
      enums = "performerType,reasonCode,code,category",
      description = "translate: the ServiceRequest element whose codings are translated")
  private String element = DEFAULT_ELEMENT;

  GatewayEndpoint(String uri, GatewayComponent component, String block) {
    super(uri, component);
    this.block = block;
  }

  public String getBlock() {
    return block;
  }

  public void setBlock(String block) {
    this.block = block;
  }

  public String getService() {
    return service;
  }

  public void setService(String service) {
    this.service = service;
  }

  public String getServiceType() {
    return serviceType;
  }

  public void setServiceType(String serviceType) {
    this.serviceType = serviceType;
  }

  public String getConceptMap() {
    return conceptMap;
  }

  public void setConceptMap(String conceptMap) {
    this.conceptMap = conceptMap;
  }

  public String getElement() {
    return element;
  }

  public void setElement(String element) {
    this.element = element;
  }
}
