#!/usr/bin/env bash
# Runs the gateway on the embedded default (H2 + Lucene under ./data), building it first if needed.
# Arguments are passed to the gateway, e.g. --server.port=9090 or --spring.profiles.active=postgres.
# `run.sh --prepare` only prepares this build (extracts it and, on JDK 25+, trains the AOT cache)
# and exits: for an image build or a deployment step, so the first start is not the slow one.
#
# The packaged jar is extracted once per build (gateway/target/app): classes loaded from plain jars
# instead of through Spring Boot's nested-jar loader cut about a fifth of cold start. On a JDK 25 or
# newer (GATEWAY_JAVA_HOME, else JAVA_HOME, else one found under /usr/lib/jvm) an AOT cache
# (JEP 483/514) is also trained once per build. GATEWAY_JAVA_HOME names the JDK to use as it is,
# without looking for a newer one. Several nodes started at once on one machine prepare once.
#
# JVM defaults (GATEWAY_JAVA_OPTS replaces them; README "Configuration", "Memory and JVM"): a
# bounded heap (the gateway's live set under intake load is about 450 MB; without a bound the JVM
# takes a quarter of the machine's memory and RSS grows past 2 GB), G1 giving memory back when
# idle, and a smaller code cache and thread stacks. Together they keep RSS under load near 1.2 GB.
# ThreadPriorityPolicy=1 lets Java thread priorities reach Linux, so routing and delivery (lowest
# priority, nice 4) yield the CPU to partners' requests (routes' BackgroundThreads). Lowering a
# priority needs no privilege; the JVM warns that raising one would, which the gateway never does.
set -euo pipefail
jvm_opts=(${GATEWAY_JAVA_OPTS:--Xms256m -Xmx640m -XX:MaxMetaspaceSize=384m -XX:ReservedCodeCacheSize=128m -Xss512k -XX:+UseG1GC -XX:G1PeriodicGCInterval=30000 -XX:ThreadPriorityPolicy=1})
root="$(cd "$(dirname "$0")/../.." && pwd)"
jar="$root/gateway/target/gateway-exec.jar"
app="$root/gateway/target/app"

if [ ! -f "$jar" ]; then
  (cd "$root" && mvn -B -q -DskipTests package)
fi

# The JDK's own "release" file names its version without starting a JVM.
java_major() {
  local home; home="$(dirname "$(dirname "$(readlink -f "$1")")")"
  sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release" 2>/dev/null || echo 0
}

if [ -n "${GATEWAY_JAVA_HOME:-}" ]; then
  java_bin="$GATEWAY_JAVA_HOME/bin/java"
else
  java_bin="${JAVA_HOME:+$JAVA_HOME/bin/java}"
  java_bin="${java_bin:-$(command -v java)}"
  if [ "$(java_major "$java_bin")" -lt 25 ]; then
    for candidate in /usr/lib/jvm/*/bin/java; do
      if [ -x "$candidate" ] && [ "$(java_major "$candidate")" -ge 25 ]; then java_bin="$candidate"; fi
    done
  fi
fi

prepare() {
  if [ ! -f "$app/gateway-exec.jar" ] || [ "$jar" -nt "$app/gateway-exec.jar" ]; then
    rm -rf "$app"
    "$java_bin" -Djarmode=tools -jar "$jar" extract --destination "$app" >/dev/null
  fi
  if [ "$(java_major "$java_bin")" -ge 25 ] && [ ! -f "$app/app.aot" ] && [ ! -f "$app/aot-training.log" ]; then
    echo "First start of this build on JDK 25+: training the AOT cache (once, about a minute)..." >&2
    training_data="$(mktemp -d)"
    # A full start that exits after the context refresh, on a throwaway data folder and free ports.
    "$java_bin" "${jvm_opts[@]}" -XX:AOTCacheOutput="$app/app.aot" -Dspring.context.exit=onRefresh \
      -jar "$app/gateway-exec.jar" --gateway.storage.data-dir="$training_data" --server.port=0 \
      --gateway.security.mtls.port=0 --gateway.demo-partners.port=0 \
      >"$app/aot-training.log" 2>&1 || echo "AOT training failed (see $app/aot-training.log); starting without it" >&2
    rm -rf "$training_data"
  fi
}

# One preparation at a time: a second node started meanwhile waits, then finds it done (flock is
# util-linux; without it, as on macOS, start nodes one after the other the first time).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$root/gateway/target/.run.lock"
  flock 9
  prepare
  exec 9>&-
else
  prepare
fi
if [ "${1:-}" = "--prepare" ]; then
  echo "Prepared $app for JDK $(java_major "$java_bin")$([ -f "$app/app.aot" ] && echo ", with its AOT cache")" >&2
  exit 0
fi

# A cache trained by JDK 25 stays beside the jar; an older JDK (GATEWAY_JAVA_HOME) cannot read it.
if [ -f "$app/app.aot" ] && [ "$(java_major "$java_bin")" -ge 25 ]; then
  exec "$java_bin" "${jvm_opts[@]}" -XX:AOTCache="$app/app.aot" -Xlog:aot*=off -jar "$app/gateway-exec.jar" "$@"
fi
exec "$java_bin" "${jvm_opts[@]}" -jar "$app/gateway-exec.jar" "$@"
