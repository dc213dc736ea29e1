package org.cypmh.gateway.demo.story;

/** A step of the guided demo did not end as the story says it should; the message says how. */
final class StoryFailure extends RuntimeException {

  StoryFailure(String message) {
    super(message, null, false, false);
  }
}
