package org.cypmh.gateway.demo;

import ca.uhn.fhir.context.FhirContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.cypmh.gateway.security.CertificateAuthority;
import org.cypmh.gateway.security.DemoCredentials;
import org.cypmh.gateway.security.MutualTlsConnector;
import org.cypmh.profiles.api.ConformancePackage;
import org.cypmh.routes.api.BarsCodes;
import org.cypmh.routes.api.RoutesProperties;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.stereotype.Component;

/**
 * The demo partner network (embedded default only): simulated systems of the demo directory's
 * services on one HTTPS port ({@code gateway.demo-partners.port}) with the dev CA's localhost
 * certificate, requiring a client certificate from the dev CA (the gateway's, made here). Each
 * service path acknowledges deliveries ({@code /<service>/fhir}: a transaction-response; {@code
 * /<service>/fhir/$process-message}: a BaRS response), keeps what it received (the last {@code
 * keep-received}, in memory) and, after {@code answer-delay}, answers a referral with a BaRS {@code
 * servicerequest-response} to the gateway's {@code $process-message} over mutual TLS as its own
 * organisation's demo partner: accepted, then in progress; or rejected. Behaviours per service:
 * accept, reject, down (503), slow (answers after the delivery response timeout). Stands aside when
 * the partner base URL or the demo-partners credentials are configured elsewhere ({@link
 * DemoPartnerSettings}); stops with the gateway.
 */
@Component
public class DemoPartnerNetwork implements InitializingBean, DisposableBean {

  /** What a simulated service does with the next delivery. */
  public enum Behaviour {
    ACCEPT,
    REJECT,
    DOWN,
    SLOW;

    static Optional<Behaviour> named(String name) {
      for (Behaviour behaviour : values()) {
        if (behaviour.name().equalsIgnoreCase(name == null ? "" : name.trim())) {
          return Optional.of(behaviour);
        }
      }
      return Optional.empty();
    }

    String code() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** One delivery a simulated service received, exactly as sent. */
  public record Received(
      String service, Instant at, String path, String contentType, String payload) {}

  /**
   * The demo directory's services with an Endpoint, and their organisations'
   * ConformancePackage.ODS_ORGANIZATION_SYSTEM codes.
   */
  static final Map<String, String> SERVICES;

  static {
    Map<String, String> services = new LinkedHashMap<>();
    services.put("camhs-spa", "RZZ");
    services.put("camhs-crisis", "RZZ");
    services.put("camhs-eating-disorders", "RZZ");
    services.put("camhs-young-peoples-team", "RZZ");
    services.put("vcse-first-steps-ed", "8ZZ02");
    services.put("mhst-leeds-west", "8ZZ03");
    services.put("adult-cmht", "RZY");
    services.put("riverside-surgery", "Y99901");
    SERVICES = Collections.unmodifiableMap(services);
  }

  private static final String FHIR_JSON = "application/fhir+json";
  private static final Pattern PATH =
      Pattern.compile("^/([a-z0-9-]+)/fhir(/\\$process-message)?/?$");
  private static final Logger log = LoggerFactory.getLogger(DemoPartnerNetwork.class);

  private final DemoPartnerProperties properties;
  private final DemoCredentials credentials;
  private final ConfigurableEnvironment environment;
  private final FhirContext fhirContext;
  private final RoutesProperties routes;
  private final ObjectProvider<MutualTlsConnector> gatewayPort;
  private final Clock clock = Clock.systemUTC();

  private final Map<String, Behaviour> behaviours = new ConcurrentHashMap<>();
  private final Map<String, Deque<Received>> received = new ConcurrentHashMap<>();

  /** Referrals already answered, per service (the newest 10,000): an update is not re-answered. */
  private final Set<String> answered =
      Collections.synchronizedSet(
          Collections.newSetFromMap(
              new LinkedHashMap<>() {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                  return size() > 10_000;
                }
              }));

  private final Map<String, HttpClient> answeringClients = new ConcurrentHashMap<>();

  private HttpsServer server;
  private ExecutorService serverThreads;
  private ScheduledExecutorService answers;
  private volatile int port = -1;

  DemoPartnerNetwork(
      DemoPartnerProperties properties,
      DemoCredentials credentials,
      ConfigurableEnvironment environment,
      FhirContext fhirContext,
      RoutesProperties routes,
      ObjectProvider<MutualTlsConnector> gatewayPort) {
    this.properties = properties;
    this.credentials = credentials;
    this.environment = environment;
    this.fhirContext = fhirContext;
    this.routes = routes;
    this.gatewayPort = gatewayPort;
  }

  @Override
  public void afterPropertiesSet() throws Exception {
    if (!properties.enabled() || !credentials.enabled()) {
      return;
    }
    if (!DemoPartnerSettings.inCharge(environment)) {
      log.info(
          "Demo partner network not started: routes.demo.partner-base-url or"
              + " routes.credentials.demo-partners is configured");
      return;
    }
    credentials.ensureGenerated();
    CertificateAuthority authority = credentials.authority();
    Path stores = authority.dir().resolve("demo-partners");
    prepareStores(authority, stores);
    KeyStore serverKeys = load(authority.serverKeyStore(), authority.keyStorePassword());
    KeyManagerFactory keyManagers =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keyManagers.init(serverKeys, authority.keyStorePassword());
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(keyManagers.getKeyManagers(), trustDevCa(stores).getTrustManagers(), null);
    try {
      server =
          HttpsServer.create(
              new InetSocketAddress(InetAddress.getLoopbackAddress(), properties.port()), 50);
    } catch (BindException e) {
      log.warn(
          "Demo partner network not started: port {} is in use (gateway.demo-partners.port);"
              + " deliveries to the demo services will be retried",
          properties.port());
      return;
    }
    server.setHttpsConfigurator(
        new HttpsConfigurator(tls) {
          @Override
          public void configure(HttpsParameters params) {
            SSLParameters parameters = getSSLContext().getDefaultSSLParameters();
            parameters.setNeedClientAuth(true);
            params.setSSLParameters(parameters);
          }
        });
    server.createContext("/", this::handle);
    serverThreads = Executors.newFixedThreadPool(8, daemon("demo-partner-"));
    server.setExecutor(serverThreads);
    answers = Executors.newSingleThreadScheduledExecutor(daemon("demo-partner-answers-"));
    server.start();
    port = server.getAddress().getPort();
    // The directory is seeded after this (an ApplicationRunner): its Endpoints name this port.
    environment
        .getPropertySources()
        .addFirst(
            new MapPropertySource(
                DemoPartnerSettings.SOURCE + "-port",
                Map.of(DemoPartnerSettings.BASE_URL, baseUrl())));
    log.info(
        "Demo partner network listening on {} (services: {}; embedded default, not for"
            + " production)",
        baseUrl(),
        String.join(", ", SERVICES.keySet()));
  }

  @Override
  public void destroy() {
    if (server != null) {
      server.stop(0);
      serverThreads.shutdownNow();
      answers.shutdownNow();
      server = null;
    }
  }

  public boolean running() {
    return server != null;
  }

  /** The network's base URL ({@code https://localhost:<port>}). */
  public String baseUrl() {
    return "https://localhost:" + port;
  }

  public Set<String> services() {
    return SERVICES.keySet();
  }

  public Behaviour behaviour(String service) {
    return behaviours.getOrDefault(service, Behaviour.ACCEPT);
  }

  public void behave(String service, Behaviour behaviour) {
    behaviours.put(service, behaviour);
    log.info("Demo service {} now answers: {}", service, behaviour.code());
  }

  /** What a service received, oldest first. */
  public List<Received> received(String service) {
    Deque<Received> kept = received.get(service);
    if (kept == null) {
      return List.of();
    }
    synchronized (kept) {
      return new ArrayList<>(kept);
    }
  }

  // --- the simulated partner systems

  private void handle(HttpExchange exchange) {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      Matcher match = PATH.matcher(path);
      if (!match.matches() || !SERVICES.containsKey(match.group(1))) {
        respond(exchange, 404, outcome("not-found", "No demo service at " + path));
        return;
      }
      if (!"POST".equals(exchange.getRequestMethod())) {
        respond(exchange, 405, outcome("not-supported", "Demo services take POST only"));
        return;
      }
      String service = match.group(1);
      boolean bars = match.group(2) != null;
      String payload;
      try (InputStream in = exchange.getRequestBody()) {
        payload = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      Behaviour behaviour = behaviour(service);
      if (behaviour == Behaviour.DOWN) {
        respond(exchange, 503, outcome("transient", "Demo service " + service + " is down (demo)"));
        return;
      }
      if (behaviour == Behaviour.SLOW) {
        // A slow partner: answers only after the gateway has stopped waiting for it.
        Thread.sleep(routes.delivery().responseTimeout().plusSeconds(2).toMillis());
      }
      keep(
          new Received(
              service,
              clock.instant(),
              path,
              exchange.getRequestHeaders().getFirst("Content-Type"),
              payload));
      Resource delivered = parse(payload);
      respond(
          exchange, 200, bars ? messageAcknowledged(delivered) : transactionResponse(delivered));
      referralIn(delivered, bars)
          .ifPresent(referral -> scheduleAnswers(service, referral, delivered, behaviour));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | IOException e) {
      log.warn("Demo partner network: a delivery could not be handled: {}", e.toString());
    }
  }

  private void keep(Received delivery) {
    Deque<Received> kept = received.computeIfAbsent(delivery.service(), s -> new ArrayDeque<>());
    synchronized (kept) {
      kept.addLast(delivery);
      while (kept.size() > Math.max(1, properties.keepReceived())) {
        kept.removeFirst();
      }
    }
  }

  private Resource parse(String payload) {
    try {
      return (Resource) fhirContext.newJsonParser().parseResource(payload);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** As a FHIR server answers a transaction: one response per entry. */
  private String transactionResponse(Resource delivered) {
    if (!(delivered instanceof Bundle bundle)) {
      return outcome("informational", "Received");
    }
    Bundle response = new Bundle().setType(Bundle.BundleType.TRANSACTIONRESPONSE);
    response.setId(UUID.randomUUID().toString());
    for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
      String type = entry.hasResource() ? entry.getResource().fhirType() : "Resource";
      boolean conditional = entry.getRequest().hasIfNoneExist();
      response
          .addEntry()
          .getResponse()
          .setStatus(conditional ? "200 OK" : "201 Created")
          .setLocation(type + "/demo-" + UUID.randomUUID() + "/_history/1");
    }
    return encode(response);
  }

  /** As a BaRS receiver acknowledges a message it took. */
  private String messageAcknowledged(Resource delivered) {
    Bundle ack = new Bundle().setType(Bundle.BundleType.MESSAGE);
    ack.setId(UUID.randomUUID().toString());
    MessageHeader header = new MessageHeader();
    header.setId(UUID.randomUUID().toString());
    header.setEvent(
        ((delivered instanceof Bundle b) ? messageHeaderOf(b) : Optional.<MessageHeader>empty())
            .map(MessageHeader::getEventCoding)
            .orElse(
                new org.hl7.fhir.r4.model.Coding(
                    BarsCodes.EVENTS_SYSTEM, "servicerequest-request", null)));
    header
        .getResponse()
        .setIdentifier(delivered == null ? "unknown" : delivered.getIdPart())
        .setCode(MessageHeader.ResponseType.OK);
    ack.addEntry().setFullUrl("urn:uuid:" + header.getIdPart()).setResource(header);
    return encode(ack);
  }

  private static Optional<MessageHeader> messageHeaderOf(Bundle bundle) {
    return bundle.getEntry().stream()
        .map(Bundle.BundleEntryComponent::getResource)
        .filter(MessageHeader.class::isInstance)
        .map(MessageHeader.class::cast)
        .findFirst();
  }

  /** A new or changed active referral in a delivery (not a cancellation, not a notification). */
  private static Optional<ServiceRequest> referralIn(Resource delivered, boolean bars) {
    if (!(delivered instanceof Bundle bundle)) {
      return Optional.empty();
    }
    if (bars
        && !messageHeaderOf(bundle)
            .map(h -> "servicerequest-request".equals(h.getEventCoding().getCode()))
            .orElse(false)) {
      return Optional.empty();
    }
    return bundle.getEntry().stream()
        .map(Bundle.BundleEntryComponent::getResource)
        .filter(ServiceRequest.class::isInstance)
        .map(ServiceRequest.class::cast)
        .filter(ServiceRequest::hasIdentifier)
        .filter(r -> r.getStatus() == ServiceRequest.ServiceRequestStatus.ACTIVE)
        .findFirst();
  }

  // --- answering as the service's organisation

  private void scheduleAnswers(
      String service, ServiceRequest referral, Resource delivered, Behaviour behaviour) {
    String ods = SERVICES.get(service);
    Optional<String> clientId = credentials.answeringClientId(ods);
    Identifier identifier = referral.getIdentifierFirstRep();
    String key = service + " " + identifier.getSystem() + "|" + identifier.getValue();
    if (clientId.isEmpty() || !answered.add(key)) {
      return;
    }
    Patient patient = patientOf((Bundle) delivered, referral);
    long delay = Math.max(0, properties.answerDelay().toMillis());
    Answerer answerer =
        (status, text, after) ->
            answers.schedule(
                () -> answer(service, ods, clientId.get(), referral, patient, status, text),
                after,
                TimeUnit.MILLISECONDS);
    if (behaviour == Behaviour.REJECT) {
      answerer.later(
          Task.TaskStatus.REJECTED,
          "rejected: the referral does not meet our criteria (demo)",
          delay);
      return;
    }
    answerer.later(Task.TaskStatus.ACCEPTED, "accepted: triage booked (demo)", delay);
    answerer.later(
        Task.TaskStatus.INPROGRESS, "in progress: first appointment offered (demo)", 2 * delay);
  }

  /** One answer of a simulated service, sent after a delay. */
  private interface Answerer {
    void later(Task.TaskStatus status, String businessStatus, long afterMillis);
  }

  private static Patient patientOf(Bundle delivered, ServiceRequest referral) {
    String subject = referral.getSubject().getReference();
    Patient first = null;
    for (Bundle.BundleEntryComponent entry : delivered.getEntry()) {
      if (entry.getResource() instanceof Patient patient) {
        if (subject != null && subject.equals(entry.getFullUrl())) {
          return patient;
        }
        first = first == null ? patient : first;
      }
    }
    return first;
  }

  private void answer(
      String service,
      String ods,
      String clientId,
      ServiceRequest referral,
      Patient patient,
      Task.TaskStatus status,
      String text) {
    try {
      int gateway = gatewayPort.getObject().localPort();
      if (gateway <= 0) {
        log.warn("Demo service {} cannot answer: the gateway's mutual-TLS port is off", service);
        return;
      }
      Bundle message = response(service, ods, referral, patient, status, text);
      HttpRequest request =
          HttpRequest.newBuilder(
                  URI.create("https://localhost:" + gateway + "/fhir/$process-message"))
              .timeout(Duration.ofSeconds(30))
              .header("Content-Type", FHIR_JSON)
              .header("Accept", FHIR_JSON)
              .header("X-Request-Id", UUID.randomUUID().toString())
              .header("X-Correlation-Id", UUID.randomUUID().toString())
              .header("NHSD-Requesting-Software", base64(requestingSoftware()))
              .header("NHSD-End-User-Organisation", base64(organisation(ods)))
              .POST(HttpRequest.BodyPublishers.ofString(encode(message)))
              .build();
      HttpResponse<String> response =
          client(clientId).send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 == 2) {
        log.info(
            "Demo service {} answered a referral ({}): HTTP {}",
            service,
            status.toCode(),
            response.statusCode());
      } else {
        log.warn(
            "Demo service {} answered a referral ({}): HTTP {} {}",
            service,
            status.toCode(),
            response.statusCode(),
            response.body().length() > 300 ? response.body().substring(0, 300) : response.body());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | IOException e) {
      log.warn("Demo service {} could not answer a referral: {}", service, e.toString());
    }
  }

  /** A BaRS servicerequest-response, as {@code TestMessages.response} shapes it. */
  private Bundle response(
      String service,
      String ods,
      ServiceRequest referral,
      Patient patient,
      Task.TaskStatus status,
      String text) {
    Bundle message = new Bundle().setType(Bundle.BundleType.MESSAGE);
    message.setId(UUID.randomUUID().toString());
    message
        .getIdentifier()
        .setSystem("urn:ietf:rfc:3986")
        .setValue("urn:uuid:" + UUID.randomUUID());
    MessageHeader header = new MessageHeader();
    header.setId(UUID.randomUUID().toString());
    header.setEvent(
        new org.hl7.fhir.r4.model.Coding(BarsCodes.EVENTS_SYSTEM, "servicerequest-response", null));
    header
        .getSource()
        .setName(service + " (demo partner)")
        .setEndpoint(baseUrl() + "/" + service + "/fhir/$process-message");
    header.addDestination().setEndpoint(environment.getProperty("gateway.bars.endpoint"));
    header
        .getResponse()
        .setIdentifier(UUID.randomUUID().toString())
        .setCode(
            status == Task.TaskStatus.REJECTED
                ? MessageHeader.ResponseType.FATALERROR
                : MessageHeader.ResponseType.OK);
    header
        .getSender()
        .setIdentifier(
            new Identifier().setSystem(ConformancePackage.ODS_ORGANIZATION_SYSTEM).setValue(ods));
    String referralUrl = "urn:uuid:" + UUID.randomUUID();
    String patientUrl = "urn:uuid:" + UUID.randomUUID();
    header.addFocus(new Reference(referralUrl));
    message.addEntry().setFullUrl("urn:uuid:" + header.getIdPart()).setResource(header);
    ServiceRequest copy = referral.copy();
    copy.setId((String) null);
    copy.getMeta().setVersionId(null);
    if (patient != null) {
      copy.setSubject(new Reference(patientUrl));
    }
    message.addEntry().setFullUrl(referralUrl).setResource(copy);
    if (patient != null) {
      Patient patientCopy = patient.copy();
      patientCopy.setId((String) null);
      message.addEntry().setFullUrl(patientUrl).setResource(patientCopy);
    }
    Task task = new Task();
    task.setStatus(status);
    task.setIntent(Task.TaskIntent.ORDER);
    task.getBusinessStatus().setText(text);
    if (status == Task.TaskStatus.REJECTED) {
      task.getStatusReason().setText(text);
    }
    task.setFocus(new Reference(referralUrl));
    if (patient != null) {
      task.setFor(new Reference(patientUrl));
    }
    task.setRequester(referral.getRequester().copy());
    task.getOwner()
        .setIdentifier(
            new Identifier().setSystem(ConformancePackage.ODS_ORGANIZATION_SYSTEM).setValue(ods));
    message.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(task);
    return message;
  }

  private HttpClient client(String clientId) {
    return answeringClients.computeIfAbsent(
        clientId,
        id -> {
          try {
            KeyStore keys = load(credentials.certificateOf(id), DemoCredentials.password());
            KeyManagerFactory keyManagers =
                KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keys, DemoCredentials.password());
            SSLContext tls = SSLContext.getInstance("TLS");
            CertificateAuthority authority = credentials.authority();
            tls.init(
                keyManagers.getKeyManagers(),
                trustDevCa(authority.dir().resolve("demo-partners")).getTrustManagers(),
                null);
            return HttpClient.newBuilder()
                .sslContext(tls)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
          } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(
                "Demo partner " + id + " has no usable certificate: " + e.getMessage(), e);
          }
        });
  }

  private static String requestingSoftware() {
    return "{\"resourceType\":\"Device\",\"identifier\":[{\"system\":"
        + "\"https://cypmh-gateway.org/Id/demo-device\",\"value\":\"demo-partner-network\"}],"
        + "\"deviceName\":[{\"name\":\"CYPMH gateway demo partner system\","
        + "\"type\":\"manufacturer-name\"}],\"version\":[{\"value\":\"1\"}]}";
  }

  private static String organisation(String ods) {
    return "{\"resourceType\":\"Organization\",\"identifier\":[{\"system\":\""
        + ConformancePackage.ODS_ORGANIZATION_SYSTEM
        + "\",\"value\":\""
        + ods
        + "\"}],\"name\":\"Demo partner "
        + ods
        + "\"}";
  }

  private static String base64(String json) {
    return Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  // --- stores and plumbing

  /**
   * The gateway's client certificate towards the demo partners and a trust store with the dev CA,
   * for {@code routes.credentials.demo-partners}; made once.
   */
  private static void prepareStores(CertificateAuthority authority, Path stores)
      throws IOException, GeneralSecurityException {
    Files.createDirectories(stores);
    Path client = stores.resolve("gateway-client.p12");
    if (!Files.exists(client)) {
      authority.issue(
          "cypmh-gateway",
          "X26",
          client,
          DemoPartnerSettings.PASSWORD.toCharArray(),
          Duration.ofDays(365));
    }
    Path trust = stores.resolve("trust.p12");
    if (!Files.exists(trust)) {
      KeyStore ca = load(authority.caKeyStore(), authority.keyStorePassword());
      Certificate caCertificate = ca.getCertificate("ca");
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, DemoPartnerSettings.PASSWORD.toCharArray());
      store.setCertificateEntry("dev-ca", caCertificate);
      Path partial = stores.resolve("trust.p12.partial");
      try (OutputStream out = Files.newOutputStream(partial)) {
        store.store(out, DemoPartnerSettings.PASSWORD.toCharArray());
      }
      Files.move(partial, trust, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static TrustManagerFactory trustDevCa(Path stores)
      throws IOException, GeneralSecurityException {
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(load(stores.resolve("trust.p12"), DemoPartnerSettings.PASSWORD.toCharArray()));
    return trust;
  }

  private static KeyStore load(Path file, char[] password)
      throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, password);
    }
    return store;
  }

  private void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", FHIR_JSON);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private String outcome(String code, String text) {
    OperationOutcome outcome = new OperationOutcome();
    outcome
        .addIssue()
        .setSeverity(
            "informational".equals(code)
                ? OperationOutcome.IssueSeverity.INFORMATION
                : OperationOutcome.IssueSeverity.ERROR)
        .setCode(OperationOutcome.IssueType.fromCode(code))
        .setDiagnostics(text);
    return encode(outcome);
  }

  private String encode(IBaseResource resource) {
    return fhirContext.newJsonParser().encodeResourceToString(resource);
  }

  private static java.util.concurrent.ThreadFactory daemon(String prefix) {
    java.util.concurrent.atomic.AtomicInteger count =
        new java.util.concurrent.atomic.AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
