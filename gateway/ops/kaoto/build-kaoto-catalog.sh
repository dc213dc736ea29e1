#!/usr/bin/env bash
# Builds a Kaoto catalog library that includes the gateway: component: Kaoto's published catalog
# (npm package @kaoto/camel-catalog), cut down to its Camel Spring Boot 4.14 catalog (the LTS line
# the gateway runs on: the package has 4.14.9, the gateway 4.14.1, same component models), plus the
# gateway component from this folder. Serve the output over HTTP and give Kaoto its index.json.
# Usage: build-kaoto-catalog.sh [output-dir] (default: target/kaoto-catalog). Needs npm, tar, jq.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-target/kaoto-catalog}
package=@kaoto/camel-catalog@0.10.4

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$package" > /dev/null && tar xzf ./*.tgz)
published="$work/package/dist/camel-catalog"

index=$(jq -r 'first(.definitions[] | select(.runtime == "Spring Boot" and (.version | startswith("4.14."))) | .fileName) // empty' \
  "$published/index.json")
if [ -z "$index" ]; then
  echo "$package has no Camel Spring Boot 4.14 catalog" >&2
  exit 1
fi
rm -rf "$out"
mkdir -p "$out/$(dirname "$index")"
cp -r "$published/$(dirname "$index")/." "$out/$(dirname "$index")/"
# Kaoto's starter templates (new-route skeletons), if the package has them.
templates=$(jq -r '.starterTemplates // empty' "$published/index.json")
if [ -n "$templates" ]; then
  mkdir -p "$out/$(dirname "$templates")"
  cp -r "$published/$(dirname "$templates")/." "$out/$(dirname "$templates")/"
fi
jq --arg index "$index" '.name = "CYPMH gateway"
  | .definitions |= map(select(.fileName == $index) | .name += " with the CYPMH gateway component")' \
  "$published/index.json" > "$out/index.json"
"$here/merge-kaoto-catalog.sh" "$out"
echo "Kaoto catalog library: $out/index.json"
