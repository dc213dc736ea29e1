package org.cypmh.gateway.demo.story;

import static org.cypmh.gateway.demo.story.PartnerConnection.query;

import ca.uhn.fhir.context.FhirContext;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.cypmh.gateway.demo.story.PartnerConnection.Answer;
import org.cypmh.gateway.demo.story.StoryPayloads.YoungPerson;
import org.cypmh.profiles.api.ConformancePackage;
import org.cypmh.routes.api.England;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.RelatedPerson;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.ServiceRequest.ServiceRequestPriority;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Task;

/**
 * The guided demo: the story of the seed plans told against a running gateway on the embedded
 * default, through the same doors partners use (each partner with its own demo client certificate),
 * the demo partner network answering as CAMHS, the charity and the MHST would. Each step checks
 * that the gateway did what the story says, and stops the story if not.
 */
public final class GuidedDemoStory {

  /** The GP system hears of every change of the Tasks it may see: those of its referrals. */
  private static final String TASKS_CRITERIA = "Task?status:not=draft";

  /** How often a step looks again for something that happens in the background. */
  private static final Duration POLL = Duration.ofMillis(500);

  private final FhirContext fhir = FhirContext.forR4Cached();
  private final URI gateway;
  private final Path pkiDir;
  private final Duration patience;
  private final StoryNarrator narrator;
  private final StoryPayloads payloads;

  private PartnerConnection operator;
  private PartnerConnection gp;
  private PartnerConnection camhs;
  private PartnerConnection mhst;
  private PartnerConnection charity;

  /**
   * @param gateway the gateway's mutual-TLS base address, e.g. {@code https://localhost:8443}
   * @param pkiDir the folder with the demo partners' certificates ({@code ./data/pki})
   * @param patience how long a step waits for deliveries and partners' answers
   */
  public GuidedDemoStory(URI gateway, Path pkiDir, Duration patience, java.io.PrintStream out) {
    this.gateway = gateway;
    this.pkiDir = pkiDir;
    this.patience = patience;
    this.narrator = new StoryNarrator(out);
    LocalDate today = LocalDate.now(England.ZONE);
    String run =
        java.time.LocalDateTime.now(England.ZONE)
            .format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    this.payloads = new StoryPayloads(run, today);
  }

  /** Tells the story; true if every step ended as it should. */
  public boolean tell() {
    List<Step> steps =
        List.of(
            new Step("The gateway and its demo partner network", this::networkIsUp),
            new Step("A school refers Amira, 15, with anxiety: to the school's MHST", this::school),
            new Step(
                "Her GP refers Kai, 17 and a half: to the CAMHS single point of access, and the"
                    + " transition watch opens a transitions Task",
                this::transitionAge),
            new Step(
                "An urgent eating disorder referral for Sam, 14: to the CAMHS eating disorders"
                    + " team, as a BaRS message",
                this::urgentEatingDisorder),
            new Step(
                "A routine eating disorder referral for Lily, 16: redirected to the charity and held"
                    + " until she consents",
                this::routineEatingDisorder),
            new Step(
                "A youth justice referral for Tyler, 16: restricted answers withheld from a team"
                    + " not cleared for them",
                this::youthJustice),
            new Step("The MHST completes its work with Amira", this::mhstCompletes),
            new Step(
                "Kai's transition care plan, agreed with him, reaches adult services; his GP pulls"
                    + " it",
                this::transitionPlan),
            new Step(
                "The charity records a brief intervention for Lily in its own code: stored with"
                    + " SNOMED CT",
                this::briefIntervention),
            new Step("The charity's MHSDS extract for this month", this::mhsdsExtract),
            new Step("Who saw Lily's record: her access report", this::accessReport),
            new Step("The audit trail is intact: $audit-verify", this::auditVerify));
    narrator.print("Guided demo against " + gateway + " (credentials in " + pkiDir + ")");
    for (Step step : steps) {
      narrator.step(step.title());
      try {
        step.action().run();
        narrator.passed();
      } catch (StoryFailure failure) {
        narrator.failed(failure.getMessage());
        narrator.print(
            "\nStopped at step " + narrator.steps() + " of " + steps.size() + ": see above.");
        return false;
      }
    }
    narrator.print("\nAll " + steps.size() + " steps ended as the story says.");
    lookCloser();
    return true;
  }

  private record Step(String title, Runnable action) {}

  /** Commands to look closer at what the story did, with its ids. */
  private void lookCloser() {
    String admin =
        "curl -s --cert-type P12 --cert "
            + pkiDir.resolve("demo-admin.p12")
            + ":changeit --cacert "
            + pkiDir.resolve("ca.pem")
            + " ";
    String fhirBase = gateway + "/fhir/";
    narrator.print("\nLook closer (as the operator):");
    narrator.print(
        "  "
            + admin
            + "'"
            + fhirBase
            + "$demo-received?service=camhs-young-peoples-team'   # exactly what the team got");
    narrator.print(
        "  "
            + admin
            + "'"
            + fhirBase
            + "$deliveries?referral="
            + lily.referral()
            + "'"
            + "   # held, then delivered");
    narrator.print(
        "  " + admin + "'" + fhirBase + lily.task() + "/_history'   # the Task, step by step");
    narrator.print("  " + admin + "'" + fhirBase + lily.patient() + "/$consent-decisions'");
  }

  // --- the story, step by step

  private Referral amira;
  private Referral kai;
  private Referral lily;

  private void networkIsUp() {
    operator = connect("demo-admin");
    gp = connect("demo-gp");
    camhs = connect("demo-camhs");
    mhst = connect("demo-mhst");
    charity = connect("demo-first-steps");
    Answer services = operator.post("/fhir/$demo-partner", new Parameters());
    if (!services.ok()) {
      throw new StoryFailure(
          "the demo partner network is not running (HTTP "
              + services.status()
              + "): the guided demo needs the embedded default, started with gateway/bin/run.sh");
    }
    List<String> names = new ArrayList<>();
    for (ParametersParameterComponent service : services.as(Parameters.class).getParameter()) {
      String name = part(service, "service");
      names.add(name);
      if (!"accept".equals(part(service, "behaviour"))) {
        // A service left "down" or "slow" by an earlier experiment would stall the story.
        operator.post("/fhir/$demo-partner", behaviour(name, "accept"));
        narrator.say("%s was %s: switched back to accept", name, part(service, "behaviour"));
      }
    }
    narrator.say("simulated services: %s", String.join(", ", names));
    String surgery =
        services.as(Parameters.class).getParameter().stream()
            .filter(service -> "riverside-surgery".equals(part(service, "service")))
            .map(service -> part(service, "address"))
            .findFirst()
            .orElseThrow(() -> new StoryFailure("the demo network has no riverside-surgery"));
    narrator.say("Riverside Surgery follows its referrals: %s", followTasks(surgery));
  }

  /** The GP system's Subscription to the Tasks of its referrals (made once, then reused). */
  private String followTasks(String endpoint) {
    Bundle own = gp.get("/fhir/Subscription?type=rest-hook").as(Bundle.class);
    for (Bundle.BundleEntryComponent entry : own.getEntry()) {
      org.hl7.fhir.r4.model.Subscription existing =
          (org.hl7.fhir.r4.model.Subscription) entry.getResource();
      if (endpoint.equals(existing.getChannel().getEndpoint())
          && TASKS_CRITERIA.equals(existing.getCriteria())) {
        return "Subscription/" + existing.getIdElement().getIdPart() + " (made earlier)";
      }
    }
    org.hl7.fhir.r4.model.Subscription subscription = new org.hl7.fhir.r4.model.Subscription();
    subscription.setStatus(org.hl7.fhir.r4.model.Subscription.SubscriptionStatus.REQUESTED);
    subscription.setReason("Follow our referrals");
    subscription.setCriteria(TASKS_CRITERIA);
    subscription
        .getChannel()
        .setType(org.hl7.fhir.r4.model.Subscription.SubscriptionChannelType.RESTHOOK)
        .setEndpoint(endpoint)
        .setPayload("application/fhir+json");
    Answer made = gp.post("/fhir/Subscription", subscription);
    if (made.status() != 201) {
      throw new StoryFailure(
          "the GP could not subscribe: HTTP " + made.status() + " " + made.shortBody());
    }
    return location(made) + " (rest-hook to " + endpoint + ")";
  }

  private void school() {
    YoungPerson person = payloads.youngPerson("Amira", "Hussain", 15, 2, "female");
    RelatedPerson mother = payloads.parent("Farah", "Hussain");
    Consent permit = payloads.permit(payloads.referenceTo(mother), "8ZZ03", "Demo MHST provider");
    ServiceRequest referral =
        payloads.referral(
            "school",
            "mhst",
            ServiceRequestPriority.ROUTINE,
            StoryPayloads.snomed("197480006", "Anxiety disorder"),
            StoryPayloads.school("999001", "Westfield High School"),
            "Worries most days, avoiding lessons; mother consents to the MHST");
    narrator.say(
        "the school's mental health lead refers through the ICS referral form (the operator's"
            + " credentials; schools have no system of their own), with her mother's consent");
    amira = post(operator, person, payloads.referralTransaction(person, referral, mother, permit));
    Delivered delivered = awaitDelivered(amira, "mhst-leeds-west");
    narrator.say("delivered to %s (%s)", delivered.service(), delivered.consent());
    awaitInProgress(amira);
  }

  private void transitionAge() {
    YoungPerson person = payloads.youngPerson("Kai", "Brown", 17, 7, "male");
    ServiceRequest referral =
        payloads.gpReferral(
            "gp-transition",
            "general-camhs",
            ServiceRequestPriority.ROUTINE,
            StoryPayloads.snomed("366979004", "Depressed mood"),
            "Low mood for three months; turns 18 in five months");
    kai = post(gp, person, payloads.referralTransaction(person, referral));
    Delivered delivered = awaitDelivered(kai, "camhs-spa");
    narrator.say("routed by rule %s, delivered to %s", delivered.route(), delivered.service());
    awaitTask(kai, t -> t.getStatus() == Task.TaskStatus.INPROGRESS, "in progress");
    String told =
        receivedBy(
            "riverside-surgery",
            "\"status\":\"in-progress\"",
            "\"focus\":{\"reference\":\"" + kai.referral() + "\"}");
    narrator.say(
        "the referrer is told: Riverside Surgery received %s, in progress (rest-hook)", kai.task());
    if (!told.contains("\"resourceType\":\"Task\"")) {
      throw new StoryFailure("the GP's notification is not the Task");
    }
    Parameters watch =
        operator.post("/fhir/$transition-watch", new Parameters()).as(Parameters.class);
    narrator.say(
        "$transition-watch: due %s, created %s", value(watch, "due"), value(watch, "created"));
    Bundle tasks =
        operator
            .get(
                "/fhir/Task?identifier="
                    + query("https://cypmh-gateway.org/fhir/Id/transition-task|" + kai.patient()))
            .as(Bundle.class);
    Task transition =
        tasks.getEntry().stream()
            .map(e -> (Task) e.getResource())
            .findFirst()
            .orElseThrow(() -> new StoryFailure("no transition Task for " + kai.patient()));
    String owner = transition.getOwner().getReference();
    if (!"HealthcareService/camhs-transitions".equals(owner)) {
      throw new StoryFailure("the transition Task is owned by " + owner);
    }
    narrator.say(
        "Task/%s for %s: owner %s, from %s (17 years 6 months) to %s (18th birthday)",
        transition.getIdElement().getIdPart(),
        kai.patient(),
        owner,
        day(transition.getExecutionPeriod().getStart()),
        day(transition.getExecutionPeriod().getEnd()));
  }

  private void urgentEatingDisorder() {
    YoungPerson person = payloads.youngPerson("Sam", "Patel", 14, 5, "male");
    ServiceRequest referral =
        payloads.gpReferral(
            "ed-urgent",
            "eating-disorders",
            ServiceRequestPriority.ASAP,
            StoryPayloads.snomed("56882008", "Anorexia nervosa"),
            "Rapid weight loss over six weeks; urgent (to be seen within a week)");
    Referral sam = post(gp, person, payloads.referralTransaction(person, referral));
    Delivered delivered = awaitDelivered(sam, "camhs-eating-disorders");
    String received = receivedBy("camhs-eating-disorders", sam.identifier());
    if (!received.contains("\"resourceType\":\"MessageHeader\"")) {
      throw new StoryFailure("the eating disorders team did not receive a BaRS message");
    }
    narrator.say(
        "delivered to %s as a BaRS message (MessageHeader servicerequest-request)",
        delivered.service());
    awaitInProgress(sam);
  }

  private void routineEatingDisorder() {
    YoungPerson person = payloads.youngPerson("Lily", "Evans", 16, 3, "female");
    ServiceRequest referral =
        payloads.gpReferral(
            "ed-routine",
            "eating-disorders",
            ServiceRequestPriority.ROUTINE,
            StoryPayloads.snomed("72366004", "Eating disorder"),
            "Restrictive eating, no physical risk; would like support from First Steps ED");
    lily = post(gp, person, payloads.referralTransaction(person, referral));
    Task held =
        awaitTask(
            lily,
            t ->
                t.getBusinessStatus().getText() != null
                    && t.getBusinessStatus().getText().startsWith("awaiting consent"),
            "awaiting consent");
    narrator.say("held: %s \"%s\"", lily.task(), held.getBusinessStatus().getText());
    Consent consent = payloads.permit(new Reference(lily.patient()), "8ZZ02", "First Steps ED");
    consent.setPatient(new Reference(lily.patient()));
    Answer recorded = gp.post("/fhir/Consent", consent);
    if (recorded.status() != 201) {
      throw new StoryFailure(
          "the GP could not record Lily's consent: HTTP "
              + recorded.status()
              + " "
              + recorded.shortBody());
    }
    narrator.say("her GP records her consent to First Steps ED: %s", location(recorded));
    Delivered delivered = awaitDelivered(lily, "vcse-first-steps-ed");
    narrator.say("delivered to %s (%s)", delivered.service(), delivered.consent());
    awaitInProgress(lily);
  }

  private void youthJustice() {
    YoungPerson person = payloads.youngPerson("Tyler", "Reid", 16, 1, "male");
    QuestionnaireResponse wellbeing =
        payloads.screening(
            "yj-wellbeing", "Sleep and mood (young person's words)", "Not sleeping, fed up", false);
    QuestionnaireResponse custody =
        payloads.screening(
            "yj-custody", "Custody health screening", "Disclosed offence details", true);
    ServiceRequest referral =
        payloads.referral(
            "youth-justice",
            "youth-justice",
            ServiceRequestPriority.ROUTINE,
            StoryPayloads.snomed("366979004", "Depressed mood"),
            StoryPayloads.organisation("YJS01", "Northshire Youth Justice Service"),
            "Low mood noted by the liaison and diversion worker; wants support");
    narrator.say(
        "the youth justice service refers through the ICS referral form, with two screening"
            + " answers: one marked restricted (R)");
    Referral tyler =
        post(operator, person, payloads.referralTransaction(person, referral, wellbeing, custody));
    Delivered delivered = awaitDelivered(tyler, "camhs-young-peoples-team");
    String received = receivedBy("camhs-young-peoples-team", tyler.identifier());
    if (!received.contains(tyler.identifier() + "\"")
        || !received.contains("yj-wellbeing")
        || received.contains("yj-custody")) {
      throw new StoryFailure(
          "camhs-young-peoples-team should have the referral and the wellbeing answers, not the"
              + " restricted custody screening");
    }
    narrator.say(
        "%s received the referral and the wellbeing answers; withheld: %s restricted resource",
        delivered.service(), delivered.redacted());
    Task task =
        awaitTask(
            tyler,
            t -> t.getNote().stream().anyMatch(n -> n.getText().contains("withheld")),
            "a note saying what was withheld");
    task.getNote().stream()
        .filter(n -> n.getText().contains("withheld"))
        .findFirst()
        .ifPresent(n -> narrator.say("%s note: \"%s\"", tyler.task(), n.getText()));
  }

  private void mhstCompletes() {
    Answer read = mhst.get("/fhir/" + amira.task());
    Task task = read.as(Task.class);
    String version = task.getMeta().getVersionId();
    task.setStatus(Task.TaskStatus.COMPLETED);
    task.getBusinessStatus().setText("discharged: six sessions of guided self-help completed");
    Answer updated = mhst.put("/fhir/" + amira.task(), task, version);
    if (!updated.ok()) {
      throw new StoryFailure(
          "the MHST could not complete "
              + amira.task()
              + ": HTTP "
              + updated.status()
              + " "
              + updated.shortBody());
    }
    Task done = updated.as(Task.class);
    narrator.say(
        "the MHST (demo-mhst, 8ZZ03) updates %s: %s, \"%s\"",
        amira.task(), code(done), done.getBusinessStatus().getText());
    // Least privilege: a partner that is not a party to the referral cannot see its Task.
    Answer refused = gp.get("/fhir/" + amira.task());
    if (refused.ok()) {
      throw new StoryFailure("the GP, not a party to Amira's referral, could read its Task");
    }
    narrator.say("the GP, not a party to Amira's referral, reads it: HTTP %d", refused.status());
  }

  private void transitionPlan() {
    YoungPerson person = kai.person();
    CarePlan plan = payloads.transitionPlan(kai.patient(), person);
    Answer posted = camhs.post("/fhir/CarePlan", plan);
    if (posted.status() != 201) {
      throw new StoryFailure(
          "CAMHS could not post the plan: HTTP " + posted.status() + " " + posted.shortBody());
    }
    String planId = location(posted);
    narrator.say("CAMHS (demo-camhs, RZZ) posts %s, agreed with Kai", planId);
    String toAdults = receivedBy("adult-cmht", person.nhsNumber());
    if (!toAdults.contains("\"resourceType\":\"CarePlan\"")) {
      throw new StoryFailure("adult-cmht received no care plan for Kai");
    }
    narrator.say("adult-cmht received the plan (a transaction: Patient by NHS number, the plan)");
    Bundle pulled =
        gp.get(
                "/fhir/CarePlan?subject:identifier="
                    + query(ConformancePackage.NHS_NUMBER_SYSTEM + "|" + person.nhsNumber())
                    + "&_include=CarePlan:subject")
            .as(Bundle.class);
    long plans =
        pulled.getEntry().stream().filter(e -> e.getResource() instanceof CarePlan).count();
    if (plans != 1) {
      throw new StoryFailure("the GP's pull found " + plans + " care plans, not 1");
    }
    narrator.say(
        "Riverside Surgery (demo-gp, Y99901) pulls Kai's plans by NHS number: %d plan, with his"
            + " Patient",
        plans);
  }

  private void briefIntervention() {
    Procedure procedure = payloads.briefIntervention(lily.patient(), lily.referral());
    Answer posted = charity.post("/fhir/Procedure", procedure);
    if (posted.status() != 201) {
      throw new StoryFailure(
          "the charity could not record it: HTTP " + posted.status() + " " + posted.shortBody());
    }
    Procedure stored = posted.as(Procedure.class);
    List<String> codings = new ArrayList<>();
    for (Coding coding : stored.getCode().getCoding()) {
      codings.add(
          (coding.getSystem().equals(ConformancePackage.SNOMED_SYSTEM) ? "SNOMED CT " : "charity ")
              + coding.getCode()
              + " "
              + coding.getDisplay());
    }
    if (stored.getCode().getCoding().stream()
        .noneMatch(c -> ConformancePackage.SNOMED_SYSTEM.equals(c.getSystem()))) {
      throw new StoryFailure("no SNOMED CT coding was added: " + codings);
    }
    narrator.say("%s coded as: %s", location(posted), String.join("; ", codings));
  }

  private void mhsdsExtract() {
    LocalDate today = LocalDate.now(England.ZONE);
    Answer extract =
        charity.get(
            "/fhir/$mhsds-extract?provider=8ZZ02&start="
                + today.withDayOfMonth(1)
                + "&end="
                + today.withDayOfMonth(today.lengthOfMonth()));
    if (!extract.ok()) {
      throw new StoryFailure("HTTP " + extract.status() + " " + extract.shortBody());
    }
    String[] lines = extract.body().split("\\R");
    narrator.say("%s", lines[0]);
    Optional<String> row =
        java.util.Arrays.stream(lines)
            .filter(l -> l.contains(lily.person().nhsNumber()))
            .findFirst();
    if (row.isEmpty() || !row.get().contains("1111811000000109")) {
      throw new StoryFailure("Lily's intervention is not in the extract with its SNOMED CT code");
    }
    narrator.say("%s", row.get());
    narrator.say(
        "%d row(s) for 8ZZ02 this month; withheld by consent: %s",
        lines.length - 1, Optional.ofNullable(extract.header("X-Withheld-By-Consent")).orElse("0"));
  }

  private void accessReport() {
    Parameters report =
        operator.get("/fhir/" + lily.patient() + "/$access-report").as(Parameters.class);
    if (report.getParameter().isEmpty()) {
      throw new StoryFailure("the access report is empty");
    }
    boolean charityReceived = false;
    for (ParametersParameterComponent access : report.getParameter()) {
      String who = part(access, "who");
      String how = part(access, "how");
      narrator.say("%s %s (%s) %s", part(access, "when"), who, part(access, "why"), how);
      charityReceived |= "HealthcareService/vcse-first-steps-ed".equals(who);
    }
    if (!charityReceived) {
      throw new StoryFailure("the access report does not show the charity receiving the referral");
    }
  }

  private void auditVerify() {
    Parameters verified = operator.get("/fhir/$audit-verify?seal=true").as(Parameters.class);
    narrator.say(
        "intact %s: %s seals and %s records checked",
        value(verified, "intact"),
        value(verified, "sealsChecked"),
        value(verified, "recordsChecked"));
    if (!"true".equals(value(verified, "intact"))) {
      throw new StoryFailure("the audit trail is not intact: " + operator.encode(verified));
    }
  }

  // --- plumbing

  /** A referral the gateway accepted: ids it gave, and the young person. */
  private record Referral(
      YoungPerson person, String patient, String referral, String task, String identifier) {}

  /** A delivery the gateway made, as {@code $deliveries} tells it. */
  private record Delivered(String service, String route, String consent, String redacted) {}

  private PartnerConnection connect(String clientId) {
    return PartnerConnection.of(clientId, gateway, pkiDir, fhir);
  }

  private Referral post(PartnerConnection sender, YoungPerson person, Bundle transaction) {
    Answer answer = sender.post("/fhir", transaction);
    if (!answer.ok()) {
      throw new StoryFailure(
          sender.clientId()
              + "'s referral was refused: HTTP "
              + answer.status()
              + " "
              + answer.shortBody());
    }
    Bundle response = answer.as(Bundle.class);
    String patient = null;
    String referral = null;
    String task = null;
    for (Bundle.BundleEntryComponent entry : response.getEntry()) {
      String location = entry.getResponse().getLocation();
      String type = location.substring(0, location.indexOf('/'));
      String id = location.split("/")[1];
      if (type.equals("Patient")) {
        patient = "Patient/" + id;
      } else if (type.equals("ServiceRequest")) {
        referral = "ServiceRequest/" + id;
        if (entry.getResponse().getOutcome() instanceof OperationOutcome outcome) {
          task =
              outcome.getIssue().stream()
                  .flatMap(i -> i.getLocation().stream())
                  .map(StringType::getValue)
                  .filter(l -> l.startsWith("Task/"))
                  .findFirst()
                  .orElse(null);
        }
      }
    }
    if (patient == null || referral == null || task == null) {
      throw new StoryFailure("unexpected transaction-response: " + answer.shortBody());
    }
    String identifier =
        transaction.getEntry().stream()
            .map(Bundle.BundleEntryComponent::getResource)
            .filter(ServiceRequest.class::isInstance)
            .map(r -> ((ServiceRequest) r).getIdentifierFirstRep().getValue())
            .findFirst()
            .orElseThrow();
    narrator.say(
        "%s (%s, NHS number %s): %s tracked by %s",
        person.name(), patient, person.nhsNumber(), referral, task);
    return new Referral(person, patient, referral, task, identifier);
  }

  private Delivered awaitDelivered(Referral referral, String service) {
    return await(
        () -> {
          Parameters deliveries =
              operator
                  .get("/fhir/$deliveries?referral=" + query(referral.referral()))
                  .as(Parameters.class);
          for (ParametersParameterComponent delivery : deliveries.getParameter()) {
            if (!service.equals(part(delivery, "serviceId"))) {
              continue;
            }
            String status = part(delivery, "status");
            if ("DEAD".equals(status)) {
              throw new StoryFailure(
                  "the delivery to "
                      + service
                      + " is a dead letter: see $dead-letters?service="
                      + service);
            }
            if ("DELIVERED".equals(status)) {
              return Optional.of(
                  new Delivered(
                      service,
                      part(delivery, "route"),
                      part(delivery, "consent"),
                      part(delivery, "redacted")));
            }
          }
          return Optional.empty();
        },
        referral.referral() + " delivered to " + service);
  }

  /** Waits for the service's answer to move the referral's Task on, and says so. */
  private void awaitInProgress(Referral referral) {
    Task task =
        awaitTask(referral, t -> t.getStatus() == Task.TaskStatus.INPROGRESS, "in progress");
    narrator.say("%s: %s, \"%s\"", referral.task(), code(task), task.getBusinessStatus().getText());
  }

  private Task awaitTask(Referral referral, Predicate<Task> state, String described) {
    return await(
        () -> {
          Answer read = operator.get("/fhir/" + referral.task());
          Task task = read.as(Task.class);
          return state.test(task) ? Optional.of(task) : Optional.empty();
        },
        referral.task() + " " + described);
  }

  /** What a simulated service received that mentions every marker (the newest such payload). */
  private String receivedBy(String service, String... markers) {
    return await(
        () -> {
          Parameters received =
              operator.get("/fhir/$demo-received?service=" + service).as(Parameters.class);
          String found = null;
          for (ParametersParameterComponent delivery : received.getParameter()) {
            String payload = part(delivery, "payload");
            if (payload != null && java.util.Arrays.stream(markers).allMatch(payload::contains)) {
              found = payload;
            }
          }
          return Optional.ofNullable(found);
        },
        service + " receiving " + String.join(" and ", markers));
  }

  private <T> T await(Supplier<Optional<T>> check, String what) {
    long deadline = System.nanoTime() + patience.toNanos();
    while (true) {
      Optional<T> result = check.get();
      if (result.isPresent()) {
        return result.get();
      }
      if (System.nanoTime() > deadline) {
        throw new StoryFailure(
            "waited " + patience.toSeconds() + " s for " + what + " (--wait sets how long)");
      }
      try {
        // A demo over a real network: the partners answer after a delay, so look again shortly.
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StoryFailure("interrupted");
      }
    }
  }

  private static Parameters behaviour(String service, String behaviour) {
    Parameters parameters = new Parameters();
    parameters.addParameter("service", service);
    parameters.addParameter("behaviour", behaviour);
    return parameters;
  }

  private static String part(ParametersParameterComponent parameter, String name) {
    return parameter.getPart().stream()
        .filter(p -> name.equals(p.getName()))
        .findFirst()
        .map(p -> p.getValue() == null ? null : p.getValue().primitiveValue())
        .map(v -> v == null ? "" : v)
        .orElse(null);
  }

  private static String value(Parameters parameters, String name) {
    return parameters.getParameter().stream()
        .filter(p -> name.equals(p.getName()))
        .findFirst()
        .map(p -> p.getValue().primitiveValue())
        .orElse("?");
  }

  private static String day(java.util.Date instant) {
    return instant == null
        ? "?"
        : instant.toInstant().atZone(England.ZONE).toLocalDate().toString();
  }

  private static String code(Task task) {
    return task.getStatus().toCode();
  }

  private static String location(Answer answer) {
    String location = answer.header("Location");
    if (location == null) {
      location = answer.header("Content-Location");
    }
    if (location == null) {
      return "(no location)";
    }
    String[] parts = location.split("/");
    for (int i = 0; i + 1 < parts.length; i++) {
      if (parts[i + 1].matches("[0-9]+")
          && Character.isUpperCase(parts[i].isEmpty() ? 'a' : parts[i].charAt(0))) {
        return parts[i] + "/" + parts[i + 1];
      }
    }
    return location;
  }
}
