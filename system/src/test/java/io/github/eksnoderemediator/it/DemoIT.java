package io.github.eksnoderemediator.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.eksnoderemediator.demo.Demo;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The README's demo command works, and shows what it says it shows (IMDS, then ENI). */
class DemoIT {

  @Test
  void demo_hardensEveryNodeInScope_andLeavesTheRestAlone_andGivesTheNodeGroupItsInterfaces()
      throws Exception {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    boolean ok = Demo.run(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    String output = buffer.toString(StandardCharsets.UTF_8);

    assertThat(ok).as(output).isTrue();
    assertThat(output)
        .contains("Every EKS node in scope is hardened; everything else is untouched.")
        .contains("EC2 calls for the compliant node: {DescribeInstances=1}")
        .contains("EC2 calls for the malformed input: none")
        .contains("IAM: the synthesized roles allowed every call the functions made.")
        .contains(Demo.ENI_OK)
        .contains(Demo.CANARY_OK)
        .containsPattern("\\(a\\) launch -> hardened +OK +\\d+\\.\\d")
        .containsPattern(
            "node prod/cnf +none +multus-data@1 multus-mgmt@2 +multus-data@1 multus-mgmt@2 +ok")
        .containsPattern("node prod/cnf, terminated +none +multus-data@1 multus-mgmt@2 +none +ok")
        .doesNotContain("WRONG");
  }
}
