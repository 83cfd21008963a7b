#!/usr/bin/env bash
# Validates docker-compose.yml (or the file given) without a Docker engine; non-zero exit = invalid.
#  1. always: the Compose Specification JSON schema, as vendored in check-jsonschema (`vendor.compose-spec`,
#     installed by the dev extra: pip install -e '.[dev]');
#  2. when present: the Compose implementation on this machine (`docker compose` v2 plugin, else Debian's
#     python `docker-compose` v1, apt-get install docker-compose), which also resolves anchors and interpolation.
set -euo pipefail
cd "$(dirname "$0")/.."
compose_file=${1:-docker-compose.yml}

checker=.venv/bin/check-jsonschema
[ -x "$checker" ] || checker=$(command -v check-jsonschema || true)
if [ -z "$checker" ]; then
  echo "validate-compose: check-jsonschema not found; install the dev extra: .venv/bin/pip install -e '.[dev]'" >&2
  exit 2
fi
echo "validate-compose: Compose Specification schema ($("$checker" --version))"
"$checker" --builtin-schema vendor.compose-spec "$compose_file"

if docker compose version >/dev/null 2>&1; then
  echo "validate-compose: $(docker compose version)"
  docker compose -f "$compose_file" config -q
elif command -v docker-compose >/dev/null 2>&1; then
  echo "validate-compose: $(docker-compose version --short 2>/dev/null || echo docker-compose v1)"
  docker-compose -f "$compose_file" config -q
else
  echo "validate-compose: no docker compose / docker-compose here; schema check only"
fi
echo "validate-compose: $compose_file is valid"
