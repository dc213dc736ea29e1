#!/usr/bin/env bash
# Adds the gateway: component to a Kaoto catalog library (the folder holding its index.json) that
# has a Camel Spring Boot 4.14.x catalog, the LTS line the gateway runs on, so Kaoto shows the
# component next to Camel's own. Usage: merge-kaoto-catalog.sh <catalog-dir>. Needs jq.
set -euo pipefail

catalog=${1:?usage: merge-kaoto-catalog.sh <kaoto-catalog-dir>}
here=$(cd "$(dirname "$0")" && pwd)
ours="$here/camel-springboot/4.14.1/camel-catalog-aggregate-components-cypmh.json"

index=$(jq -r 'first(.definitions[] | select(.runtime == "Spring Boot" and (.version | startswith("4.14."))) | .fileName) // empty' \
  "$catalog/index.json")
if [ -z "$index" ]; then
  echo "No Camel Spring Boot 4.14 catalog in $catalog/index.json" >&2
  exit 1
fi
components="$(dirname "$catalog/$index")/$(jq -r '.catalogs.components.file' "$catalog/$index")"
jq -s '.[0] * .[1]' "$components" "$ours" > "$components.tmp"
mv "$components.tmp" "$components"
echo "gateway component added to $components"
