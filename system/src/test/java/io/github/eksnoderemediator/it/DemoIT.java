package io.github.eksnoderemediator.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.eksnoderemediator.demo.Demo;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The README's demo command works, and shows what it says it shows. */
class DemoIT {

  @Test
  void demo_hardensEveryNodeInScope_andLeavesTheRestAlone() throws Exception {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    boolean ok = Demo.run(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    String output = buffer.toString(StandardCharsets.UTF_8);

    assertThat(ok).as(output).isTrue();
    assertThat(output)
        .contains("Every EKS node in scope is hardened; everything else is untouched.")
        .contains("EC2 calls for the compliant node: {DescribeInstances=1}")
        .contains("EC2 calls for the malformed input: none")
        .contains("IAM: the synthesized role allowed every call the function made.")
        .doesNotContain("WRONG");
  }
}
