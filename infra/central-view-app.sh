#!/bin/sh
# The central view's CDK app (docs/central-view.md), for the organization's security account:
#   ./dev cdk --app "sh infra/central-view-app.sh" --context central-view='{"organizationId": "o-…"}' synth
# The same classpath as infra/cdk-app.sh; ./dev build writes it. Needs no function jar.
set -eu
cd "$(dirname "$0")/.."
if [ ! -f infra/target/cdk-app.classpath ]; then
  echo "error: the CDK app is not built; run ./dev build" >&2
  exit 1
fi
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" -cp "infra/target/classes:$(cat infra/target/cdk-app.classpath)" \
  io.github.eksnoderemediator.infra.CentralViewApp
