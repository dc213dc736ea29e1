#!/usr/bin/env bash
# The guided demo: plays the whole story (referrals, routing, consent, partners' answers, the
# transition plan, a brief intervention, the MHSDS extract, the access report and $audit-verify)
# against a gateway already started with gateway/bin/run.sh, and prints each step with the ids it
# created. Exit status 0 when every step ended as the story says.
#
# GATEWAY (default https://localhost:8443) and PKI (default ./data/pki) point elsewhere, as in the
# README walk-through; other arguments go to the demo command (e.g. --wait=120).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
jar="$root/gateway/target/gateway-exec.jar"
if [ ! -f "$jar" ]; then
  (cd "$root" && mvn -B -q -DskipTests package)
fi
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/java}"
exec "${java_bin:-java}" -jar "$jar" demo \
  --gateway="${GATEWAY:-https://localhost:8443}" --pki-dir="${PKI:-./data/pki}" "$@"
