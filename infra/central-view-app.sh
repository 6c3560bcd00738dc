#!/bin/sh
# The central view's CDK app (docs/central-view.md), for the organization's security account:
#   ./dev cdk --app "sh infra/central-view-app.sh" --context central-view='{"organizationId": "o-…"}' synth
# Needs no function jar.
exec sh "$(dirname "$0")/cdk-app.sh" io.github.eksnoderemediator.infra.CentralViewApp
