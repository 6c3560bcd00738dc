package io.github.eksnoderemediator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EniConfigTest {
  static final String MULTUS =
      """
      {"name": "multus-data", "cluster": "prod", "nodeGroup": "cnf",
       "subnets": {"tags": {"multus": "data"}}, "securityGroups": {"names": ["multus-data"]},
       "deviceIndex": 1}
      """;

  private static RemediatorConfig parse(String eni) {
    return RemediatorConfig.parse("{\"eni\": " + eni + "}", "test");
  }

  @Test
  void parse_appliesDefaults() {
    EniProfile p = parse("{\"profiles\": [" + MULTUS + "]}").eni().profiles().get(0);
    assertThat(p)
        .isEqualTo(
            new EniProfile(
                "multus-data",
                "prod",
                Optional.of("cnf"),
                Optional.empty(),
                Map.of(),
                new EniProfile.Selector(List.of(), Map.of("multus", "data"), List.of()),
                new EniProfile.Selector(List.of(), Map.of(), List.of("multus-data")),
                1,
                0,
                true,
                Optional.empty(),
                Map.of(),
                0,
                Optional.empty()));
    assertThat(RemediatorConfig.DEFAULT.eni().profiles()).isEmpty();
    assertThat(RemediatorConfig.DEFAULT.eni().sweepRate()).isEqualTo(Duration.ofMinutes(15));
    assertThat(RemediatorConfig.DEFAULT.eni().sweepGrace()).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void eniWaits_defaultToTheSharedKeys_andOverrideThemWhenSet() {
    RemediatorConfig shared =
        RemediatorConfig.parse(
            "{\"waits\": {\"notFoundSeconds\": 7, \"appliedSeconds\": 3}}", "test");
    assertThat(shared.eni().waits())
        .isEqualTo(new EniWaits(Duration.ofSeconds(7), Duration.ofSeconds(3)));
    assertThat(RemediatorConfig.DEFAULT.eni().waits())
        .isEqualTo(EniWaits.from(RemediatorConfig.DEFAULT.waits()));

    RemediatorConfig own =
        RemediatorConfig.parse(
            """
            {"waits": {"notFoundSeconds": 7, "appliedSeconds": 3},
             "eni": {"waits": {"reconcileSeconds": 40}}}
            """,
            "test");
    assertThat(own.eni().waits())
        .isEqualTo(new EniWaits(Duration.ofSeconds(40), Duration.ofSeconds(3)));
    assertThat(own.waits().notFound()).as("the shared key keeps its value").hasSeconds(7);
    assertThat(
            RemediatorConfig.parse("{\"eni\": {\"waits\": {\"detachSeconds\": 0}}}", "test")
                .eni()
                .waits()
                .detach())
        .isZero();
  }

  @Test
  void parse_readsEveryField() {
    EniConfig eni =
        parse(
                """
                {"profiles": [{"name": "sriov", "cluster": "prod", "nodePool": "cnf", "matchTags": {"role": "upf"},
                  "subnets": {"ids": ["subnet-0a1a1a1a1a1a1a1a1", "subnet-0b2b2b2b2b2b2b2b2"]},
                  "securityGroups": {"ids": ["sg-0a1b2c3d4e5f6a7b8"], "names": ["extra"]},
                  "deviceIndex": 2, "networkCardIndex": 1, "deleteOnTermination": false,
                  "description": "N3 interface", "tags": {"team": "core"},
                  "secondaryPrivateIpCount": 3, "sourceDestCheck": false}],
                 "sweep": {"rateMinutes": 5, "graceMinutes": 20}}
                """)
            .eni();
    EniProfile p = eni.profiles().get(0);
    assertThat(p.nodePool()).contains("cnf");
    assertThat(p.matchTags()).containsEntry("role", "upf");
    assertThat(p.subnets().ids()).hasSize(2);
    assertThat(p.securityGroups().ids()).containsExactly("sg-0a1b2c3d4e5f6a7b8");
    assertThat(p.securityGroups().names()).containsExactly("extra");
    assertThat(p.deviceIndex()).isEqualTo(2);
    assertThat(p.networkCardIndex()).isEqualTo(1);
    assertThat(p.deleteOnTermination()).isFalse();
    assertThat(p.description()).contains("N3 interface");
    assertThat(p.tags()).containsEntry("team", "core");
    assertThat(p.secondaryPrivateIpCount()).isEqualTo(3);
    assertThat(p.sourceDestCheck()).contains(false);
    assertThat(eni.sweepRate()).isEqualTo(Duration.ofMinutes(5));
    assertThat(eni.sweepGrace()).isEqualTo(Duration.ofMinutes(20));
    assertThat(eni.profilesFor("prod")).hasSize(1);
    assertThat(eni.profilesFor("dev")).isEmpty();
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          {"name": "x", "cluster": "prod", "subnets": {"ids": ["subnet-0a1a1a1a"]}, "securityGroups": {"ids": ["sg-0a1b2c3d"]}}                   | test eni.profiles[0].deviceIndex: is required (1 or more; 0 is the primary interface)
          {"name": "x", "cluster": "prod", "subnets": {"ids": ["subnet-0a1a1a1a"]}, "securityGroups": {"ids": ["sg-0a1b2c3d"]}, "deviceIndex": 0} | test eni.profiles[0].deviceIndex: must be an integer from 1 to 31, got 0
          {"name": "x", "cluster": "prod", "subnets": {}, "securityGroups": {"ids": ["sg-0a1b2c3d"]}, "deviceIndex": 1}                           | test eni.profiles[0].subnets: must give either ids or tags
          {"name": "x", "cluster": "prod", "subnets": {"ids": ["subnet-0a1a1a1a"]}, "securityGroups": {}, "deviceIndex": 1}                       | test eni.profiles[0].securityGroups: must give at least one security group (ids or names)
          {"name": "x", "cluster": "prod", "subnets": {"ids": ["vpc-0a1a1a1a"]}, "securityGroups": {"ids": ["sg-0a1b2c3d"]}, "deviceIndex": 1}    | test eni.profiles[0].subnets.ids[0]: must be a subnet id (subnet-…), got the string "vpc-0a1a1a1a"
          {"name": "X", "cluster": "prod", "subnets": {"ids": ["subnet-0a1a1a1a"]}, "securityGroups": {"ids": ["sg-0a1b2c3d"]}, "deviceIndex": 1}  | test eni.profiles[0].name: must be a profile name (lowercase letters, digits and -, at most 40), got "X"
          {"name": "x", "cluster": "prod", "subnets": {"ids": ["subnet-0a1a1a1a"]}, "securityGroups": {"ids": ["sg-0a1b2c3d"]}, "deviceIndex": 1, "tags": {"eks-node-remediator/profile": "y"}} | test eni.profiles[0].tags.eks-node-remediator/profile: is reserved for the tags this service writes itself
          {"name": "x", "cluster": "prod", "subnets": {"ids": ["subnet-0a1a1a1a"]}, "securityGroups": {"ids": ["sg-0a1b2c3d"]}, "deviceIndex": 1, "mtu": 9001} | test eni.profiles[0].mtu: unknown field (expected one of cluster, deleteOnTermination, description, deviceIndex, matchTags, name, networkCardIndex, nodeGroup, nodePool, secondaryPrivateIpCount, securityGroups, sourceDestCheck, subnets, tags)
          """)
  void parse_rejectsABadProfile_withOneLineNamingTheField(String profile, String message) {
    assertThatThrownBy(() -> parse("{\"profiles\": [" + profile + "]}"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(message);
  }

  @Test
  void parse_rejectsTwoProfilesThatCouldClaimTheSameSlot() {
    String other =
        MULTUS
            .replace("multus-data\", \"cluster", "other\", \"cluster")
            .replace("\"nodeGroup\": \"cnf\",", "");
    assertThatThrownBy(() -> parse("{\"profiles\": [" + MULTUS + ", " + other + "]}"))
        .hasMessage(
            "test eni.profiles[1].deviceIndex: card 0, index 1 is also taken by profile \"multus-data\" on the same nodes");
  }

  @Test
  void parse_allowsTheSameSlotForDisjointNodeGroups() {
    String other =
        MULTUS
            .replace("multus-data\", \"cluster", "other\", \"cluster")
            .replace("\"cnf\"", "\"edge\"");
    assertThat(parse("{\"profiles\": [" + MULTUS + ", " + other + "]}").eni().profiles())
        .hasSize(2);
  }

  @Test
  void parse_rejectsDuplicateNamesAndClustersOutOfScope() {
    assertThatThrownBy(
            () ->
                parse(
                    "{\"profiles\": ["
                        + MULTUS
                        + ", "
                        + MULTUS.replace("\"cnf\"", "\"edge\"")
                        + "]}"))
        .hasMessage("test eni.profiles[1].name: \"multus-data\" is used by an earlier profile");
    assertThatThrownBy(
            () ->
                RemediatorConfig.parse(
                    "{\"clusters\": [\"dev\"], \"eni\": {\"profiles\": [" + MULTUS + "]}}", "test"))
        .hasMessage(
            "test eni.profiles[0].cluster: \"prod\" is not one of the clusters in scope [dev]");
  }
}
