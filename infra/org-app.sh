#!/bin/sh
# The organization CDK app (docs/organization.md), run by the CDK CLI with
#   cdk --app "sh infra/org-app.sh" synth      (./dev cdk-org synth does this)
# cdk.json's context (remediator, remediator-deployment, remediator-organization) applies to it too.
set -eu
cd "$(dirname "$0")/.."
if [ ! -f infra/target/cdk-app.classpath ]; then
  echo "error: the CDK app is not built; run ./dev build" >&2
  exit 1
fi
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" -cp "infra/target/classes:$(cat infra/target/cdk-app.classpath)" \
  io.github.eksnoderemediator.infra.org.OrganizationApp
