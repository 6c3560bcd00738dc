package io.github.eksnoderemediator.iam;

import io.github.eksnoderemediator.infra.iam.MetadataReading;
import io.github.eksnoderemediator.testing.RecordingProxy;
import java.net.URI;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * IAM for a test class that shares one proxy: register it with {@code @RegisterExtension}, turn it
 * on when the proxy exists ({@link #enforce}), and after each test it fails the test on any refusal
 * the test did not expect, then forgets them for the next one.
 */
public final class IamChecks implements AfterEachCallback {
  private IamEnforcement enforcement;

  /** Enforces the roles synthesized for {@code remediatorJson} on {@code proxy}, reading B. */
  public IamEnforcement enforce(RecordingProxy proxy, URI moto, String remediatorJson) {
    enforcement = IamEnforcement.on(proxy, moto, remediatorJson, MetadataReading.B);
    return enforcement;
  }

  /** As {@link #enforce(RecordingProxy, URI, String)}, with these deployment settings too. */
  public IamEnforcement enforce(
      RecordingProxy proxy, URI moto, String remediatorJson, String deploymentJson) {
    enforcement = IamEnforcement.on(proxy, moto, remediatorJson, deploymentJson);
    return enforcement;
  }

  /** The enforcement {@link #enforce} turned on. */
  public IamEnforcement enforcement() {
    return enforcement;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (enforcement == null) {
      return;
    }
    try {
      enforcement.assertNoUnexpectedRefusals();
    } finally {
      enforcement.clear();
    }
  }
}
