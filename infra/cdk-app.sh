#!/bin/sh
# The CDK app as cdk.json runs it: a plain JVM on the classpath Maven wrote at prepare-package
# (about 6 s per synth, against about 13 s through mvn exec:java). ./dev build writes it.
# An argument names another app's main class (infra/org-app.sh, infra/central-view-app.sh).
set -eu
cd "$(dirname "$0")/.."
if [ ! -f infra/target/cdk-app.classpath ]; then
  echo "error: the CDK app is not built; run ./dev build" >&2
  exit 1
fi
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" -cp "infra/target/classes:$(cat infra/target/cdk-app.classpath)" \
  "${1:-io.github.eksnoderemediator.infra.RemediatorApp}"
