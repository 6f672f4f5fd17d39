#!/bin/sh
# The container's health check (HEALTHCHECK in the Dockerfile): asks
# apim-offset for the offset the server uses, the file's (or a -DportOffset in
# JAVA_OPTS, which wins), and checks the server's health endpoint at that
# offset:
#   Micro Integrator    http://localhost:(9191+offset)/healthz, its health
#                       check API (mi.docs.wso2.com, "Basic Health Checks")
#   the others          https://localhost:(9443+offset)/services/Version, the
#                       Version service (apim.docs.wso2.com, "Basic Health
#                       Checks")
# Exit status 0 healthy, 1 not (what Docker's HEALTHCHECK expects).
# HEALTHCHECK_DRY_RUN=1 prints the URL instead of fetching it.
set -eu
json=$("${APIM_OFFSET_BIN:-apim-offset}" get --home "${WSO2_SERVER_HOME:-}" --json) || exit 1
offset=$(printf '%s\n' "$json" | sed -n 's/.*"offset":\([0-9][0-9]*\).*/\1/p')
product=$(printf '%s\n' "$json" | sed -n 's/.*"product":"\([^"]*\)".*/\1/p')
[ -n "$offset" ] || { echo "healthcheck: no offset in: $json" >&2; exit 1; }
case $product in
  mi) url=http://localhost:$((9191 + offset))/healthz ;;
  *) url=https://localhost:$((9443 + offset))/services/Version ;;
esac
if [ -n "${HEALTHCHECK_DRY_RUN:-}" ]; then
  echo "$url"
  exit 0
fi
curl -kfsS -o /dev/null "$url" || exit 1
