package io.github.eksnoderemediator.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.eksnoderemediator.demo.Demo;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
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
    // Hop limits: a Karpenter pool at 1 is left at 1 with tokens required; only the pool whose
    // band has min 2 is raised; a node at 5 is lowered.
    assertThat(output)
        .containsPattern(
            "Karpenter pool prod/default \\(left at 1\\) +optional/1/enabled +required/1/enabled +ok")
        .containsPattern(
            "Karpenter pool prod/batch \\(min 2: raised\\) +optional/1/enabled +required/2/enabled"
                + " +ok")
        .containsPattern(
            "managed node, hop limit 5 \\(lowered\\) +optional/5/enabled +required/2/enabled +ok")
        .contains("hop limit raised 1 -> 2 (band 2 from nodePool prod/batch)")
        .contains("hop limit lowered 5 -> 2 (band [1, 2] from default)")
        .doesNotContain("hop limit raised 1 -> 2 (band [1, 2]");
  }

  /**
   * {@code ./dev demo} runs on this module's test classpath ({@code exec:java
   * -Dexec.classpathScope=test}), as this test does: it must hold one SLF4J binding, the functions'
   * slf4j-simple, or SLF4J prints "Class path contains multiple SLF4J bindings" in the demo.
   */
  @Test
  void theDemosClasspath_holdsOneSlf4jBinding() throws Exception {
    List<URL> binders =
        Collections.list(
            DemoIT.class.getClassLoader().getResources("org/slf4j/impl/StaticLoggerBinder.class"));

    assertThat(binders).singleElement().asString().contains("slf4j-simple");
    assertThat(
            Collections.list(
                DemoIT.class
                    .getClassLoader()
                    .getResources("META-INF/services/org.slf4j.spi.SLF4JServiceProvider")))
        .isEmpty();
  }
}
