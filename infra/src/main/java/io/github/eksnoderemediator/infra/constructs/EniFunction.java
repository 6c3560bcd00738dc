package io.github.eksnoderemediator.infra.constructs;

import software.constructs.Construct;

/**
 * The ENI function: gives EKS nodes the secondary network interfaces their profiles ask for,
 * deletes ours when a node goes, and sweeps up what is left. Same jar and configuration as the IMDS
 * function, its own handler, role and log group.
 */
public final class EniFunction extends RemediatorFunction {
  static final String HANDLER = "io.github.eksnoderemediator.handler.EniHandler::handleRequest";

  public EniFunction(Construct scope, String id, Props props) {
    super(
        scope,
        id,
        props,
        HANDLER,
        "EKS Node Remediator: attaches, cleans up and sweeps the secondary network interfaces of"
            + " EKS nodes");
  }
}
