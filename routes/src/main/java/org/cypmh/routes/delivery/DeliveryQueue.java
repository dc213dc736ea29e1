package org.cypmh.routes.delivery;

import org.apache.camel.ProducerTemplate;
import org.springframework.stereotype.Component;

/** Hands a delivery this node has leased to its delivery route, to be sent now. */
@Component
public class DeliveryQueue {

  /** The local queue of delivery ids the delivery route consumes. */
  public static final String QUEUE = "seda:gateway-deliver";

  private final ProducerTemplate producer;

  DeliveryQueue(ProducerTemplate producer) {
    this.producer = producer;
  }

  public void send(Long deliveryId) {
    producer.asyncSendBody(QUEUE, deliveryId);
  }
}
