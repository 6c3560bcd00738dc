package io.github.eksnoderemediator.testing;

/** Configurations shared by tests and {@code ./dev bench}. */
public final class SampleConfigs {
  /**
   * A realistic {@code remediator} object that sets every field the schema
   * (docs/remediator.schema.json) has: three clusters, hop-limit overrides for a cluster, a node
   * group and a node pool, two ENI profiles. The schema test walks it field by field; the bench's
   * cold start runs with it.
   */
  public static final String FULL =
      """
      {
        "clusters": [
          "prod",
          "staging",
          "batch"
        ],
        "optOutTagKey": "team/opt-out",
        "imds": {
          "hopLimit": {
            "min": 1,
            "max": 2
          },
          "httpEndpoint": "enabled",
          "imdsV1Usage": "defer",
          "imdsV1Check": {
            "lookbackHours": 48,
            "minNodeAgeMinutes": 30
          },
          "overrides": [
            {
              "cluster": "prod",
              "hopLimit": 1
            },
            {
              "cluster": "prod",
              "nodeGroup": "ingress",
              "hopLimit": {
                "min": 2,
                "max": 3
              }
            },
            {
              "cluster": "batch",
              "nodePool": "gpu",
              "hopLimit": {
                "max": 1
              },
              "imdsV1Usage": "enforce"
            },
            {
              "cluster": "staging",
              "imdsV1Usage": "enforce"
            }
          ]
        },
        "eni": {
          "profiles": [
            {
              "name": "storage",
              "cluster": "prod",
              "nodeGroup": "ingress",
              "matchTags": {
                "role": "storage"
              },
              "subnets": {
                "tags": {
                  "tier": "storage"
                }
              },
              "securityGroups": {
                "ids": [
                  "sg-0123456789abcdef0"
                ],
                "names": [
                  "storage"
                ]
              },
              "deviceIndex": 1,
              "description": "storage network",
              "tags": {
                "team": "platform"
              },
              "secondaryPrivateIpCount": 2,
              "sourceDestCheck": false
            },
            {
              "name": "mgmt",
              "cluster": "batch",
              "nodePool": "gpu",
              "subnets": {
                "ids": [
                  "subnet-0123456789abcdef0",
                  "subnet-0123456789abcdef1"
                ]
              },
              "securityGroups": {
                "ids": [
                  "sg-0123456789abcdef1"
                ]
              },
              "deviceIndex": 2,
              "networkCardIndex": 0,
              "deleteOnTermination": true
            }
          ],
          "sweep": {
            "rateMinutes": 30,
            "graceMinutes": 20
          },
          "waits": {
            "reconcileSeconds": 20,
            "detachSeconds": 15
          }
        },
        "sweep": {
          "rateMinutes": 10,
          "writesPerSecond": 1.5,
          "burst": 5
        },
        "waits": {
          "notFoundSeconds": 15,
          "tagSettleSeconds": 10,
          "appliedSeconds": 10,
          "firstBackoffMillis": 500
        },
        "queue": {
          "batchSize": 100,
          "batchWindowSeconds": 1,
          "maxConcurrency": 2,
          "accountWritesPerSecond": 5,
          "accountWriteBurst": 100
        },
        "securityHub": {
          "updateFindings": true,
          "allowInAdministratorAccount": false
        }
      }
      """;

  private SampleConfigs() {}
}
