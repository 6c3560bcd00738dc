package io.github.eksnoderemediator.verify;

import io.github.eksnoderemediator.check.PermissionsReport;
import java.util.Optional;

/** Reads what the pipeline check judges, from the deployed stack and the account around it. */
public interface DeploymentReader {

  /**
   * Everything about one stack, read now.
   *
   * @return empty when the stack does not exist in this account and Region
   */
  Optional<Facts> read(String stackName);

  /**
   * Runs one function's permissions check ({@code {"check": "permissions"}}) and returns its table.
   * Production invokes the function's alias through Lambda; the deploy-time trigger, whose role is
   * read-only, does not run it at all.
   */
  @FunctionalInterface
  interface PermissionsRunner {
    Facts.Read<PermissionsReport> run(String aliasArn);
  }
}
