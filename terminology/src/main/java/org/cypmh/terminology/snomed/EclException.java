package org.cypmh.terminology.snomed;

/** An expression constraint that is not valid ECL, or uses ECL this server does not support. */
public class EclException extends IllegalArgumentException {

  public EclException(String message) {
    super(message);
  }
}
