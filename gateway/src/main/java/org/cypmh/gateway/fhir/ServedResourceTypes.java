package org.cypmh.gateway.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * The resource types the gateway stores and serves ({@code gateway.fhir.resource-types}), applied
 * before any bean is created: HAPI's DAO registry knows only these, and HAPI's DAO and REST
 * provider beans for the other types (about a hundred of its 146 R4 types) are never defined.
 *
 * <p>Why not only {@link DaoRegistry#setSupportedResourceTypes}: the registry builds itself from
 * every bean of type {@code IFhirResourceDao}, so all 146 DAOs were created, with their injections,
 * only to be ignored: a fifth of the main thread's start-up work, 2-3 s on 2 cores (issue 25). A
 * type HAPI itself needs and we forgot would fail at start, not in a partner's request.
 */
class ServedResourceTypes implements BeanDefinitionRegistryPostProcessor, BeanPostProcessor {

  /**
   * Bean names of HAPI's generated R4 configuration: {@code myPatientDaoR4}, {@code myPatientRpR4}.
   */
  private static final Pattern HAPI_RESOURCE_BEAN = Pattern.compile("my([A-Z][A-Za-z]+)(Dao|Rp)R4");

  private static final Set<String> R4_TYPES = FhirContext.forR4Cached().getResourceTypes();

  private final Set<String> served;

  ServedResourceTypes(Environment environment) {
    this.served =
        of(
            Binder.get(environment)
                .bind("gateway.fhir.resource-types", Bindable.listOf(String.class))
                .orElse(List.of()));
  }

  /**
   * The configured types, with what HAPI itself needs and without what the gateway serves itself.
   */
  private static Set<String> of(List<String> configured) {
    Set<String> types = new TreeSet<>(configured);
    // HAPI's own search parameter registry reads SearchParameter through its DAO.
    types.add("SearchParameter");
    // AuditEvent is served by the audit trail (gateway.audit), never stored as a JPA resource.
    types.remove("AuditEvent");
    return Set.copyOf(types);
  }

  @Override
  public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
    for (String name : registry.getBeanDefinitionNames()) {
      Matcher bean = HAPI_RESOURCE_BEAN.matcher(name);
      // mySystemDaoR4 matches the pattern too: only resource types' beans are candidates.
      if (bean.matches() && R4_TYPES.contains(bean.group(1)) && !served.contains(bean.group(1))) {
        registry.removeBeanDefinition(name);
      }
    }
  }

  @Override
  public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
    // Definitions only (above).
  }

  @Override
  public Object postProcessBeforeInitialization(Object bean, String beanName) {
    if (bean instanceof DaoRegistry registry) {
      registry.setSupportedResourceTypes(served);
    }
    return bean;
  }
}
