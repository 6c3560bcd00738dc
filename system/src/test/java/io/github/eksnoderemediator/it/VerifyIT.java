package io.github.eksnoderemediator.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.eksnoderemediator.iam.IamEnforcement;
import io.github.eksnoderemediator.testing.CloudWatchBridge;
import io.github.eksnoderemediator.testing.Ec2Fixtures;
import io.github.eksnoderemediator.testing.Instances;
import io.github.eksnoderemediator.testing.LambdaInvokeStandIn;
import io.github.eksnoderemediator.testing.LocalCommand;
import io.github.eksnoderemediator.testing.MotoServer;
import io.github.eksnoderemediator.testing.RecordingProxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cloudformation.model.StackResourceSummary;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * {@code java -jar remediator.jar verify} as an operator runs it, against a stack deployed into the
 * emulator: a template with what the check reads (rules, launch and dead-letter queues, the failure
 * queue, the function, its version and {@code live} alias, the event source mapping) and the
 * released outputs, plus a CloudTrail trail and a completed sweep's metric. Then the faults the
 * pipeline check exists for.
 *
 * <p>Where the emulator stops: moto runs a function's code only in Docker, so Lambda's {@code
 * Invoke} goes to {@link LambdaInvokeStandIn}, which answers the permissions check by running the
 * shipped jar's local command with the same payload against the emulator's EC2 under IAM
 * enforcement (the function's code, its role's policies); every other Lambda call reaches moto.
 * moto does not implement {@code GetInstanceMetadataDefaults} and reports SnapStart off on every
 * version: those two lines are WARN here, never in an account.
 */
class VerifyIT {
  private static final String CONFIG =
      "{\"waits\": {\"notFoundSeconds\": 1, \"firstBackoffMillis\": 200}}";
  private static final String ACCOUNT = "123456789012";
  private static final String TRAIL = "verify-it-trail";
  private static final String BUCKET = "verify-it-trail-logs";
  private static final AtomicInteger STACKS = new AtomicInteger();

  private static MotoServer moto;
  private static RecordingProxy proxy;
  private static CloudWatchBridge cloudWatchBridge;
  private static LambdaInvokeStandIn lambdaStandIn;
  private static IamEnforcement iam;
  private static Path work;

  private static CloudFormationClient cloudFormation;
  private static CloudTrailClient cloudTrail;
  private static EventBridgeClient events;
  private static LambdaClient lambda;
  private static SqsClient sqs;

  @TempDir Path dir;

  private String stack;
  private Map<String, String> physical;
  private Map<String, String> outputs;

  @BeforeAll
  static void start() throws Exception {
    assertThat(LocalCommand.JAR).as("the shaded jar (built by mvn package)").exists();
    moto = MotoServer.shared();
    moto.reset();
    // The trail's bucket, once: bucket names are global.
    try (CloudFormationClient cfn = client(CloudFormationClient.builder())) {
      cfn.createStack(
          r ->
              r.stackName("VerifyItTrailLogs")
                  .templateBody(
                      "{\"Resources\": {\"Logs\": {\"Type\": \"AWS::S3::Bucket\","
                          + " \"Properties\": {\"BucketName\": \""
                          + BUCKET
                          + "\"}}}}"));
    }
    proxy = new RecordingProxy(moto.endpoint());
    iam = IamEnforcement.on(proxy, moto.endpoint(), CONFIG);
    cloudWatchBridge = new CloudWatchBridge(moto.endpoint());
    work = Files.createTempDirectory("verify-it-");
    // The permissions check, as the IMDS function runs it: the shipped jar's code, as its role.
    lambdaStandIn =
        new LambdaInvokeStandIn(
            moto.endpoint(),
            (name, payload) -> {
              Path invocation = Files.createTempDirectory(work, "invoke-");
              LocalCommand.Run run =
                  LocalCommand.run("handle", payload, proxy.endpoint(), CONFIG, invocation);
              return run.exit() == 2
                  ? new LambdaInvokeStandIn.Answer(
                      ("{\"errorMessage\": \"" + run.stderr().strip() + "\"}")
                          .getBytes(StandardCharsets.UTF_8),
                      "Unhandled")
                  : new LambdaInvokeStandIn.Answer(
                      run.stdout().getBytes(StandardCharsets.UTF_8), null);
            });
    new Ec2Fixtures(moto.endpoint()).launch(Instances.MANAGED_PROD, "optional", 1);
    cloudFormation = client(CloudFormationClient.builder());
    cloudTrail = client(CloudTrailClient.builder());
    events = client(EventBridgeClient.builder());
    lambda = client(LambdaClient.builder());
    sqs = client(SqsClient.builder());
    try (CloudWatchClient cloudWatch =
        CloudWatchClient.builder()
            .endpointOverride(cloudWatchBridge.endpoint())
            .region(Region.of(MotoServer.REGION))
            .credentialsProvider(operator())
            .build()) {
      // What the IMDS function's EMF line makes of a sweep that reached every node.
      cloudWatch.putMetricData(
          r ->
              r.namespace("EksNodeRemediator")
                  .metricData(
                      d ->
                          d.metricName("SweepsCompleted")
                              .value(1.0)
                              .unit(StandardUnit.COUNT)
                              .timestamp(Instant.now().minus(6, ChronoUnit.MINUTES))));
    }
  }

  @AfterAll
  static void stop() {
    lambdaStandIn.close();
    cloudWatchBridge.close();
    proxy.close();
  }

  private static StaticCredentialsProvider operator() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDOPERATOR", "testing"));
  }

  private static <B extends software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<B, C>, C>
      C client(B builder) {
    return builder
        .endpointOverride(moto.endpoint())
        .region(Region.of(MotoServer.REGION))
        .credentialsProvider(operator())
        .build();
  }

  /** A stack of our own for each test, and a logging trail unless the test takes it away. */
  @BeforeEach
  void deploy() {
    deploy(FUNCTION_CONFIG);
  }

  /**
   * The function's configuration in the stack: Security Hub updates off, since moto's Security Hub
   * has no ListStandardsControlAssociations ({@link #verify_securityHubOnButNotEnabled_fails}
   * covers the feature).
   */
  private static final String FUNCTION_CONFIG = "{\"securityHub\": {\"updateFindings\": false}}";

  private void deploy(String remediatorConfig) {
    int n = STACKS.incrementAndGet();
    stack = "VerifyIt" + n;
    String function = "verify-it-imds-" + n;
    String alias =
        "arn:aws:lambda:" + MotoServer.REGION + ":" + ACCOUNT + ":function:" + function + ":live";
    cloudFormation.createStack(
        r -> r.stackName(stack).templateBody(template(function, alias, remediatorConfig)));
    physical = new java.util.TreeMap<>();
    for (StackResourceSummary s :
        cloudFormation.listStackResources(r -> r.stackName(stack)).stackResourceSummaries()) {
      physical.put(s.logicalResourceId(), s.physicalResourceId());
    }
    outputs = new java.util.TreeMap<>();
    for (Output o :
        cloudFormation.describeStacks(r -> r.stackName(stack)).stacks().get(0).outputs()) {
      outputs.put(o.outputKey(), o.outputValue());
    }
    // moto's CloudFormation has no AWS::Lambda::Alias: the alias the outputs name, made by hand.
    lambda.createAlias(r -> r.functionName(function).name("live").functionVersion("1"));
    if (cloudTrail.describeTrails(r -> r.trailNameList(TRAIL)).trailList().isEmpty()) {
      cloudTrail.createTrail(r -> r.name(TRAIL).s3BucketName(BUCKET).isMultiRegionTrail(true));
    }
    cloudTrail.startLogging(r -> r.name(TRAIL));
  }

  private static String template(String function, String aliasArn, String remediatorConfig) {
    return """
        {
          "Resources": {
            "Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}}},
            "ImdsDeadLetters": {"Type": "AWS::SQS::Queue"},
            "ImdsLaunchQueue": {"Type": "AWS::SQS::Queue", "Properties": {"RedrivePolicy": {"deadLetterTargetArn": {"Fn::GetAtt": ["ImdsDeadLetters", "Arn"]}, "maxReceiveCount": 5}}},
            "FailureQueue": {"Type": "AWS::SQS::Queue"},
            "ImdsFunction": {"Type": "AWS::Lambda::Function", "Properties": {"FunctionName": "FUNCTION", "Runtime": "java21", "Handler": "io.github.eksnoderemediator.handler.ImdsHandler::handleRequest", "Role": {"Fn::GetAtt": ["Role", "Arn"]}, "Code": {"ZipFile": "the code is the shipped jar, run by the test's stand-in"}, "SnapStart": {"ApplyOn": "PublishedVersions"}, "Environment": {"Variables": {"REMEDIATOR_CONFIG": "CONFIG_JSON"}}}},
            "ImdsVersion": {"Type": "AWS::Lambda::Version", "Properties": {"FunctionName": {"Ref": "ImdsFunction"}}},
            "ImdsMapping": {"Type": "AWS::Lambda::EventSourceMapping", "Properties": {"EventSourceArn": {"Fn::GetAtt": ["ImdsLaunchQueue", "Arn"]}, "FunctionName": {"Ref": "ImdsFunction"}, "BatchSize": 10}},
            "ImdsLaunches": {"Type": "AWS::Events::Rule", "Properties": {"EventPattern": {"source": ["aws.ec2"], "detail-type": ["AWS API Call via CloudTrail"], "detail": {"eventSource": ["ec2.amazonaws.com"], "eventName": ["RunInstances", "CreateFleet"], "errorCode": [{"exists": false}]}}, "State": "ENABLED", "Targets": [{"Id": "LaunchQueue", "Arn": {"Fn::GetAtt": ["ImdsLaunchQueue", "Arn"]}}]}},
            "ImdsStateChange": {"Type": "AWS::Events::Rule", "Properties": {"EventPattern": {"source": ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"], "detail": {"state": ["pending", "running"]}}, "State": "ENABLED", "Targets": [{"Id": "LaunchQueue", "Arn": {"Fn::GetAtt": ["ImdsLaunchQueue", "Arn"]}}]}},
            "ImdsTamper": {"Type": "AWS::Events::Rule", "Properties": {"EventPattern": {"source": ["aws.ec2"], "detail-type": ["AWS API Call via CloudTrail"], "detail": {"eventSource": ["ec2.amazonaws.com"], "eventName": ["ModifyInstanceMetadataOptions"], "errorCode": [{"exists": false}]}}, "State": "ENABLED", "Targets": [{"Id": "Function", "Arn": "ALIAS"}]}},
            "ImdsSweep": {"Type": "AWS::Events::Rule", "Properties": {"ScheduleExpression": "rate(15 minutes)", "State": "ENABLED", "Targets": [{"Id": "Function", "Arn": "ALIAS"}]}}
          },
          "Outputs": {
            "ImdsFunctionName": {"Value": {"Ref": "ImdsFunction"}},
            "ImdsAliasArn": {"Value": "ALIAS"},
            "ImdsDeadLetterQueueUrl": {"Value": {"Ref": "ImdsDeadLetters"}},
            "FailureQueueUrl": {"Value": {"Ref": "FailureQueue"}}
          }
        }
        """
        .replace("CONFIG_JSON", remediatorConfig.replace("\"", "\\\""))
        .replace("FUNCTION", function)
        .replace("ALIAS", aliasArn);
  }

  /** What the command did. */
  record Run(int exit, List<String> lines, String stderr) {
    String line(String start) {
      return lines.stream()
          .filter(l -> l.startsWith(start))
          .findFirst()
          .orElseThrow(
              () ->
                  new AssertionError(
                      "no line starting " + start + " in\n" + String.join("\n", lines)));
    }
  }

  private Run verify(String... extra) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                LocalCommand.JAR.toString(),
                "verify"));
    command.addAll(List.of(extra));
    ProcessBuilder pb = new ProcessBuilder(command);
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("AWS_") || k.equals("REMEDIATOR_CONFIG"));
    env.put("AWS_ENDPOINT_URL", moto.endpoint().toString());
    // The SDK's per-service endpoints: CloudWatch through the protocol bridge, Lambda's Invoke to
    // the stand-in.
    env.put("AWS_ENDPOINT_URL_CLOUDWATCH", cloudWatchBridge.endpoint().toString());
    env.put("AWS_ENDPOINT_URL_LAMBDA", lambdaStandIn.endpoint().toString());
    env.put("AWS_REGION", MotoServer.REGION);
    env.put("AWS_ACCESS_KEY_ID", "AKIDOPERATOR");
    env.put("AWS_SECRET_ACCESS_KEY", "testing");
    Path out = dir.resolve("stdout");
    Path err = dir.resolve("stderr");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("verify did not finish in 180 s");
    }
    String stdout = Files.readString(out, StandardCharsets.UTF_8);
    System.out.println(
        "verify " + String.join(" ", extra) + " -> exit " + p.exitValue() + "\n" + stdout);
    return new Run(
        p.exitValue(), stdout.lines().toList(), Files.readString(err, StandardCharsets.UTF_8));
  }

  private String launchRule() {
    return physical.get("ImdsLaunches");
  }

  @Test
  void verify_healthyStack_everyPathOk_exit0() throws Exception {
    Run run = verify("--stack-name", stack);

    assertThat(run.exit()).as(run.stderr()).isZero();
    assertThat(run.lines()).noneMatch(l -> l.startsWith("FAIL"));
    // The two lines the emulator cannot make OK (see the class comment).
    assertThat(run.lines().stream().filter(l -> l.startsWith("WARN")))
        .allMatch(
            l ->
                l.startsWith("WARN  account IMDS defaults: cannot read them: ")
                    || l.contains("SnapStart not applied"));
    assertThat(run.line("OK    rule " + launchRule()))
        .isEqualTo(
            "OK    rule "
                + launchRule()
                + ": enabled (CloudTrail RunInstances, CreateFleet) -> "
                + physical
                    .get("ImdsLaunchQueue")
                    .substring(physical.get("ImdsLaunchQueue").lastIndexOf('/') + 1));
    assertThat(run.line("OK    rule " + physical.get("ImdsSweep")))
        .contains("schedule rate(15 minutes)");
    assertThat(run.line("OK    cloudtrail"))
        .isEqualTo(
            "OK    cloudtrail: trail "
                + TRAIL
                + " (multi-Region, home eu-west-1) is logging write management events");
    assertThat(run.line("OK    event source mapping ImdsMapping")).contains("enabled:");
    assertThat(run.line("OK    launch queue")).endsWith("0 waiting, 0 in flight");
    assertThat(run.line("OK    dead-letter queue")).endsWith("0 waiting, 0 in flight");
    assertThat(run.line("OK    failure queue")).endsWith("0 waiting, 0 in flight");
    assertThat(run.line("WARN  IMDS function " + outputs.get("ImdsFunctionName") + ":live"))
        .contains("version 1, state Active, last update Successful");
    assertThat(run.line("OK    imds sweep: last completed")).contains("rate(15 minutes)");
    // The permissions check ran the function's code as its role: its table is folded in.
    assertThat(run.line("OK    permissions IMDS: passed")).contains("0 failed");
    assertThat(run.lines().stream().filter(l -> l.startsWith("OK    permissions IMDS: ")))
        .hasSizeGreaterThan(2);
    assertThat(lambdaStandIn.invoked()).contains(outputs.get("ImdsAliasArn"));
    assertThat(run.lines().get(run.lines().size() - 1))
        .matches("verify " + stack + " in eu-west-1: \\d+ OK, 2 WARN, 0 FAIL");
  }

  @Test
  void verify_trailMissing_failsNamingTheRulesThatNeverFire() throws Exception {
    cloudTrail.deleteTrail(r -> r.name(TRAIL));

    Run run = verify("--stack-name", stack);

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.line("FAIL  cloudtrail"))
        .isEqualTo(
            "FAIL  cloudtrail: no trail records write management events in eu-west-1; these rules"
                + " never fire: "
                + launchRule()
                + " (RunInstances, CreateFleet); "
                + physical.get("ImdsTamper")
                + " (ModifyInstanceMetadataOptions). Fix: aws cloudtrail create-trail --name"
                + " eks-node-remediator --s3-bucket-name <bucket> --is-multi-region-trail && aws"
                + " cloudtrail start-logging --name eks-node-remediator");
  }

  @Test
  void verify_trailStopped_failsWithStartLogging() throws Exception {
    cloudTrail.stopLogging(r -> r.name(TRAIL));

    Run run = verify("--stack-name", stack);

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.line("FAIL  cloudtrail"))
        .contains("(trail " + TRAIL + " is not logging)")
        .endsWith(
            "Fix: aws cloudtrail start-logging --name arn:aws:cloudtrail:eu-west-1:"
                + ACCOUNT
                + ":trail/"
                + TRAIL);
  }

  @Test
  void verify_ruleDisabled_failsNamingIt() throws Exception {
    events.disableRule(r -> r.name(launchRule()));

    Run run = verify("--stack-name", stack);

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.line("FAIL  rule " + launchRule()))
        .isEqualTo(
            "FAIL  rule "
                + launchRule()
                + ": disabled (CloudTrail RunInstances, CreateFleet): nothing reaches its target."
                + " Fix: aws events enable-rule --name "
                + launchRule());
    assertThat(run.lines().stream().filter(l -> l.startsWith("FAIL"))).hasSize(1);
  }

  @Test
  void verify_eventSourceMappingDisabled_fails() throws Exception {
    String uuid = physical.get("ImdsMapping");
    lambda.updateEventSourceMapping(r -> r.uuid(uuid).enabled(false));

    Run run = verify("--stack-name", stack);

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.line("FAIL  event source mapping ImdsMapping"))
        .contains("disabled: ")
        .contains("only the sweep hardens new nodes")
        .endsWith("Fix: aws lambda update-event-source-mapping --uuid " + uuid + " --enabled");
  }

  @Test
  void verify_nonEmptyDeadLetterQueue_warnsWithTheRedrive_exit0() throws Exception {
    String dlq = outputs.get("ImdsDeadLetterQueueUrl");
    sqs.sendMessage(r -> r.queueUrl(dlq).messageBody("{\"detail-type\": \"a launch\"}"));
    sqs.sendMessage(r -> r.queueUrl(dlq).messageBody("{\"detail-type\": \"another\"}"));
    String dlqArn =
        "arn:aws:sqs:eu-west-1:" + ACCOUNT + ":" + dlq.substring(dlq.lastIndexOf('/') + 1);

    Run run = verify("--stack-name", stack);

    assertThat(run.exit()).isZero();
    assertThat(run.line("WARN  dead-letter queue"))
        .contains("2 waiting, 0 in flight: launch events that failed 5 times")
        .endsWith("aws sqs start-message-move-task --source-arn " + dlqArn);
  }

  @Test
  void verify_securityHubOnButNotEnabled_fails() throws Exception {
    // The default configuration: securityHub.updateFindings is on.
    deploy("{}");

    Run run = verify("--stack-name", stack);

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.line("FAIL  security hub"))
        .isEqualTo(
            "FAIL  security hub: not enabled in this Region, but securityHub.updateFindings is on."
                + " Fix: aws securityhub enable-security-hub, or turn securityHub.updateFindings"
                + " off");
  }

  @Test
  void verify_noSuchStack_oneLine_exit2() throws Exception {
    Run run = verify("--stack-name", "NoSuchStack");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.lines()).isEmpty();
    assertThat(run.stderr().lines())
        .containsExactly(
            "error: no stack NoSuchStack in this account and Region (--stack-name, --region,"
                + " AWS_REGION)");
  }
}
