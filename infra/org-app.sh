#!/bin/sh
# The organization CDK app (docs/organization.md), run by the CDK CLI with
#   cdk --app "sh infra/org-app.sh" synth      (./dev cdk-org synth does this)
# cdk.json's context (remediator, remediator-deployment, remediator-organization) applies to it too.
exec sh "$(dirname "$0")/cdk-app.sh" io.github.eksnoderemediator.infra.org.OrganizationApp
