package org.cypmh.gateway.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import java.net.http.HttpResponse;
import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;

/**
 * A referral's Task tells the referrer the latest of what happened, whatever order the news arrives
 * in. The receiving service can answer (a BaRS {@code servicerequest-response}) before its HTTP
 * acknowledgement of our delivery reaches the gateway; the gateway's own "delivered to ..." must
 * then not overwrite the answer. The partner's acknowledgement is held ({@link HeldResponses})
 * until the answer has been taken, which forces that interleaving every run.
 */
@EmbeddedGateway
class TaskOrderingTest extends RoutingBehaviourSupport {

  private static final String TRIAGED = "Triaged, first appointment offered";

  @Test
  void answerThatOvertakesTheDeliveryAcknowledgementIsWhatTheReferrerReads() throws Exception {
    RoutingReferrals referral = RoutingReferrals.referral();
    holdPartnerAcknowledgementOf(referral);
    Accepted accepted = accept(referral);
    assertThat(HeldResponses.awaitArrival(referral.identifier(), DELIVERY.toSeconds()))
        .as("the referral reached its partner")
        .isTrue();

    HttpResponse<String> answered =
        TestMessages.post(
            gateway,
            TestMessages.response(
                referral.serviceRequest(), MessageHeader.ResponseType.OK, TRIAGED),
            null);
    assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
    Task answeredTask = taskOf(accepted);
    assertThat(answeredTask.getStatus()).isEqualTo(Task.TaskStatus.ACCEPTED);

    HeldResponses.release(referral.identifier());
    await().atMost(DELIVERY).until(() -> "DELIVERED".equals(delivery(accepted).get("status")));

    String service = delivery(accepted).get("service");
    Task task = taskOf(accepted);
    assertThat(task.getStatus()).isEqualTo(Task.TaskStatus.ACCEPTED);
    assertThat(task.getBusinessStatus().getText())
        .isEqualTo("response from CAMHS eating disorders team: " + TRIAGED);
    // What the gateway knew is kept, just not as the headline.
    assertThat(task.getOutput())
        .singleElement()
        .satisfies(o -> assertThat(((Reference) o.getValue()).getReference()).isEqualTo(service));
    assertThat(task.getNote())
        .extracting(Annotation::getText)
        .containsExactly("delivered to " + service);
    // Each change was written on top of the one before it: answer, then delivery.
    assertThat(Integer.parseInt(task.getMeta().getVersionId()))
        .isEqualTo(Integer.parseInt(answeredTask.getMeta().getVersionId()) + 1);
  }

  /** The partner takes the referral but holds its HTTP answer until the test releases it. */
  private static void holdPartnerAcknowledgementOf(RoutingReferrals referral) {
    var server = PartnerNetwork.PARTNERS.server();
    server.stubFor(
        post(urlMatching("/[a-z-]+/fhir"))
            .withRequestBody(containing(referral.identifier()))
            .atPriority(1)
            .willReturn(held(PartnerNetwork.transactionAccepted(), referral)));
    server.stubFor(
        post(urlMatching("/[a-z-]+/fhir/\\$process-message"))
            .withRequestBody(containing(referral.identifier()))
            .atPriority(1)
            .willReturn(held(PartnerNetwork.messageAccepted(), referral)));
  }

  private static ResponseDefinitionBuilder held(
      ResponseDefinitionBuilder answer, RoutingReferrals referral) {
    return answer
        .withTransformers(HeldResponses.NAME)
        .withTransformerParameter(HeldResponses.KEY, referral.identifier());
  }
}
