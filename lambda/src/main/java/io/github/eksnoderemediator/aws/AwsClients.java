package io.github.eksnoderemediator.aws;

import io.github.eksnoderemediator.config.ConfigException;
import java.time.Duration;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClientBuilder;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.Ec2ClientBuilder;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.EksClientBuilder;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClientBuilder;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.securityhub.SecurityHubClient;
import software.amazon.awssdk.services.securityhub.SecurityHubClientBuilder;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Builds the SDK clients, once per process (Lambda INIT). Region, credentials and endpoint come
 * from the standard AWS environment ({@code AWS_REGION}, {@code AWS_ENDPOINT_URL}, profiles, the
 * Lambda execution role): nothing here reads them by hand.
 */
public final class AwsClients {
  /**
   * Throttling and 5xx are retried by the SDK's standard strategy (exponential backoff with jitter,
   * a retry quota). EC2's token buckets refill at 5 per second for the mutating calls this service
   * makes, so a few more attempts than the default 3 ride out a burst.
   */
  static final int MAX_ATTEMPTS = 6;

  private AwsClients() {}

  public static Ec2Client ec2() {
    return ec2Builder().build();
  }

  public static EksClient eks() {
    return eksBuilder().build();
  }

  /** Built only when a node's IMDSv1 use must be read, never on the launch path. */
  public static CloudWatchClient cloudWatch() {
    return cloudWatchBuilder().build();
  }

  /** Built only when the function first hardens a node with Security Hub updates on. */
  public static SecurityHubClient securityHub() {
    return securityHubBuilder().build();
  }

  /**
   * The production configuration for Security Hub, for tests that add an endpoint. Its HTTP client
   * is Apache 5, not the URL-connection client the others use: BatchUpdateFindings is an HTTP
   * PATCH, which {@code HttpURLConnection} refuses.
   */
  public static SecurityHubClientBuilder securityHubBuilder() {
    return SecurityHubClient.builder()
        .httpClientBuilder(
            Apache5HttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(3))
                .socketTimeout(Duration.ofSeconds(20)))
        .overrideConfiguration(overrides());
  }

  /** Built on the first decision event an invocation publishes, never at INIT. */
  public static EventBridgeClient eventBridge() {
    return eventBridgeBuilder().build();
  }

  /**
   * The production configuration for EventBridge, for tests that add an endpoint. Shorter timeouts
   * than EC2's: publishing is best effort and must not hold a batch's answer for a minute.
   */
  public static EventBridgeClientBuilder eventBridgeBuilder() {
    return EventBridgeClient.builder()
        .httpClientBuilder(
            UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(2))
                .socketTimeout(Duration.ofSeconds(5)))
        .overrideConfiguration(
            ClientOverrideConfiguration.builder()
                .retryStrategy(AwsRetryStrategy.standardRetryStrategy())
                .apiCallAttemptTimeout(Duration.ofSeconds(5))
                .apiCallTimeout(Duration.ofSeconds(12))
                .build());
  }

  /** The production configuration for CloudWatch, for tests that add an endpoint. */
  public static CloudWatchClientBuilder cloudWatchBuilder() {
    return CloudWatchClient.builder()
        .httpClientBuilder(
            UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(3))
                .socketTimeout(Duration.ofSeconds(20)))
        .overrideConfiguration(overrides());
  }

  /** The production configuration for EKS, for tests that add an endpoint. */
  public static EksClientBuilder eksBuilder() {
    return EksClient.builder()
        .httpClientBuilder(
            UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(3))
                .socketTimeout(Duration.ofSeconds(20)))
        .overrideConfiguration(overrides());
  }

  /** The production configuration, for tests that add an endpoint or an interceptor. */
  public static Ec2ClientBuilder ec2Builder() {
    return Ec2Client.builder()
        .httpClientBuilder(
            UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(3))
                .socketTimeout(Duration.ofSeconds(20)))
        .overrideConfiguration(overrides());
  }

  /** For {@code verify} only (the stack's outputs and resources); never built by a function. */
  public static CloudFormationClient cloudFormation() {
    return CloudFormationClient.builder()
        .httpClientBuilder(urlConnection(Duration.ofSeconds(20)))
        .overrideConfiguration(overrides())
        .build();
  }

  /** For {@code verify} only (trails, their status and selectors). */
  public static CloudTrailClient cloudTrail() {
    return CloudTrailClient.builder()
        .httpClientBuilder(urlConnection(Duration.ofSeconds(20)))
        .overrideConfiguration(overrides())
        .build();
  }

  /** For {@code verify} only (queue depths). */
  public static SqsClient sqs() {
    return SqsClient.builder()
        .httpClientBuilder(urlConnection(Duration.ofSeconds(20)))
        .overrideConfiguration(overrides())
        .build();
  }

  /**
   * For {@code verify} only: aliases, versions, event source mappings, and invoking each function's
   * permissions check, which runs a few EC2 dry runs and may wait for IAM: minutes, not seconds.
   */
  public static LambdaClient lambda() {
    return LambdaClient.builder()
        .httpClientBuilder(urlConnection(Duration.ofMinutes(5)))
        .overrideConfiguration(
            ClientOverrideConfiguration.builder()
                .retryStrategy(AwsRetryStrategy.standardRetryStrategy())
                .apiCallAttemptTimeout(Duration.ofMinutes(5))
                .apiCallTimeout(Duration.ofMinutes(6))
                .build())
        .build();
  }

  private static UrlConnectionHttpClient.Builder urlConnection(Duration socketTimeout) {
    return UrlConnectionHttpClient.builder()
        .connectionTimeout(Duration.ofSeconds(3))
        .socketTimeout(socketTimeout);
  }

  /**
   * Fails with one line when no Region is configured, instead of the provider chain's dump. Lambda
   * always sets {@code AWS_REGION}; a person running the local command may not have.
   */
  public static void requireRegion() {
    try {
      new DefaultAwsRegionProviderChain().getRegion();
    } catch (SdkClientException e) {
      throw ConfigException.of(
          "no AWS Region configured: set AWS_REGION (or a region in your AWS profile)");
    }
  }

  private static ClientOverrideConfiguration overrides() {
    return ClientOverrideConfiguration.builder()
        .retryStrategy(
            AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(MAX_ATTEMPTS).build())
        .apiCallAttemptTimeout(Duration.ofSeconds(20))
        .apiCallTimeout(Duration.ofSeconds(60))
        .build();
  }
}
