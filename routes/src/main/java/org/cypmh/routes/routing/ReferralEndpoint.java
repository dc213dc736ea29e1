package org.cypmh.routes.routing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.Consumer;
import org.apache.camel.MultipleConsumersSupport;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultConsumer;

/**
 * {@code gateway:referral}: where routing rules start. Every route consuming it sees every
 * referral; the dispatcher runs them one after another, in the calling thread, so their decisions
 * land in one {@link RoutingSession}.
 */
final class ReferralEndpoint extends GatewayEndpoint implements MultipleConsumersSupport {

  private final List<RuleConsumer> rules = new CopyOnWriteArrayList<>();

  ReferralEndpoint(String uri, GatewayComponent component) {
    super(uri, component, "referral");
  }

  @Override
  public Producer createProducer() {
    throw new UnsupportedOperationException(
        "gateway:referral can only start a route (from), not be sent to");
  }

  @Override
  public Consumer createConsumer(Processor processor) {
    return new RuleConsumer(this, processor);
  }

  @Override
  public boolean isMultipleConsumersSupported() {
    return true;
  }

  /** The started routing rules, in the order they were started. */
  List<RuleConsumer> rules() {
    return List.copyOf(rules);
  }

  /** One routing rule (route) listening for referrals. */
  final class RuleConsumer extends DefaultConsumer {

    RuleConsumer(ReferralEndpoint endpoint, Processor processor) {
      super(endpoint, processor);
    }

    @Override
    protected void doStart() throws Exception {
      super.doStart();
      rules.add(this);
    }

    @Override
    protected void doStop() throws Exception {
      rules.remove(this);
      super.doStop();
    }
  }
}
