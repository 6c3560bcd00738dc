package io.github.eksnoderemediator.infra.constructs;

import software.constructs.Construct;

/** The IMDS function: hardens the instance metadata options of new EKS nodes. */
public final class ImdsFunction extends RemediatorFunction {
  static final String HANDLER = "io.github.eksnoderemediator.handler.ImdsHandler::handleRequest";

  public ImdsFunction(Construct scope, String id, Props props) {
    super(
        scope,
        id,
        props,
        HANDLER,
        "EKS Node Remediator: hardens the instance metadata options of EKS nodes");
  }
}
