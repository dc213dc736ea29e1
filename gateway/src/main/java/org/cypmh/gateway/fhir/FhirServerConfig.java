package org.cypmh.gateway.fhir;

import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.provider.IJpaSystemProvider;
import ca.uhn.fhir.jpa.provider.JpaCapabilityStatementProvider;
import ca.uhn.fhir.jpa.provider.ValueSetOperationProvider;
import ca.uhn.fhir.jpa.search.DatabaseBackedPagingProvider;
import ca.uhn.fhir.narrative2.NullNarrativeGenerator;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.HardcodedServerAddressStrategy;
import ca.uhn.fhir.rest.server.IncomingRequestAddressStrategy;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.provider.ResourceProviderFactory;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import java.util.List;
import org.cypmh.routes.api.OperationProvider;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The HAPI FHIR REST server at {@code /fhir}: JPA resource providers, system operations
 * (transaction, batch, history), ValueSet operations, paging and the CapabilityStatement. Gateway
 * interceptors are picked up as beans of type {@link FhirServerInterceptor}, gateway operations as
 * beans of type {@link FhirOperations}.
 */
@Configuration(proxyBeanMethods = false)
class FhirServerConfig {

  @Bean
  RestfulServer restfulServer(
      IFhirSystemDao<?, ?> systemDao,
      ResourceProviderFactory resourceProviders,
      IJpaSystemProvider systemProvider,
      ValueSetOperationProvider valueSetOperations,
      JpaStorageSettings storageSettings,
      ISearchParamRegistry searchParamRegistry,
      IValidationSupport validationSupport,
      DatabaseBackedPagingProvider pagingProvider,
      FhirServerProperties properties,
      List<FhirServerInterceptor> interceptors,
      List<FhirOperations> operations,
      List<OperationProvider> routingOperations) {
    RestfulServer server = new RestfulServer(systemDao.getContext());
    server.getFhirContext().setNarrativeGenerator(new NullNarrativeGenerator());
    server.registerProviders(resourceProviders.createProviders());
    server.registerProvider(systemProvider);
    server.registerProvider(valueSetOperations);
    operations.forEach(server::registerProvider);
    routingOperations.forEach(server::registerProvider);

    JpaCapabilityStatementProvider capabilities =
        new JpaCapabilityStatementProvider(
            server, systemDao, storageSettings, searchParamRegistry, validationSupport);
    capabilities.setImplementationDescription("CYPMH referral and transition gateway");
    server.setServerConformanceProvider(capabilities);

    pagingProvider.setDefaultPageSize(properties.defaultPageSize());
    pagingProvider.setMaximumPageSize(properties.maxPageSize());
    server.setPagingProvider(pagingProvider);
    server.setDefaultResponseEncoding(EncodingEnum.JSON);
    server.setServerAddressStrategy(
        properties.serverAddress() == null
            ? new IncomingRequestAddressStrategy()
            : new HardcodedServerAddressStrategy(properties.serverAddress().toString()));
    interceptors.forEach(server::registerInterceptor);
    return server;
  }

  /**
   * Static: it changes bean definitions, so it must exist before any other bean (see {@link
   * ServedResourceTypes}).
   */
  @Bean
  static ServedResourceTypes servedResourceTypes(Environment environment) {
    return new ServedResourceTypes(environment);
  }

  @Bean
  ServletRegistrationBean<RestfulServer> fhirServlet(RestfulServer restfulServer) {
    ServletRegistrationBean<RestfulServer> registration =
        new ServletRegistrationBean<>(restfulServer, "/fhir/*");
    registration.setName("fhir");
    registration.setLoadOnStartup(1);
    return registration;
  }
}
