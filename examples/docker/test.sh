#!/usr/bin/env bash
# Runs examples/docker/entrypoint.sh without Docker, as WSO2's image would:
# WORKING_DIRECTORY and WSO2_SERVER_HOME point into a temporary folder, the
# home is the sample home whose api-manager.sh is a stub that prints the
# offset it finds in the file it starts with, the mounted config volume
# holds a deployment.toml with #offset=0 behind a Kubernetes ConfigMap's
# symlinks, and apim-offset is built from this checkout onto PATH.
#   APIM_OFFSET=3      the stub sees offset 3; the home has the volume's file with offset=3
#   no APIM_OFFSET     the stub sees the volume's file as it is
#   APIM_OFFSET=abc    the entrypoint exits 2 with the tool's error; no server started
#   SIGTERM            the entrypoint runs "api-manager.sh stop" and exits 0
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
server=
cleanup() {
  [ -z "$server" ] || kill "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/bin/apim-offset" ./cmd/apim-offset
export PATH="$work/bin:$PATH" WORKING_DIRECTORY="$work/wso2carbon" WSO2_SERVER_HOME="$work/wso2carbon/wso2am-4.5.0"
unset APIM_OFFSET APIM_OFFSET_BIN WSO2_START_SCRIPT
entrypoint=$PWD/examples/docker/entrypoint.sh
conf=$WSO2_SERVER_HOME/repository/conf/deployment.toml

# fresh: the home, with offset=7 in its file, and the config volume.
fresh() {
  rm -rf "$WORKING_DIRECTORY"
  mkdir -p "$WORKING_DIRECTORY"
  cp -r fixtures/sample-home "$WSO2_SERVER_HOME"
  sed -i 's/^#offset=0$/offset=7/' "$conf"
  cat >"$WSO2_SERVER_HOME/bin/api-manager.sh" <<'STUB'
#!/bin/sh
# A stub of api-manager.sh: prints the offset in the file it starts with; with
# STUB_PID set it then runs until "api-manager.sh stop" ends it.
conf=$WSO2_SERVER_HOME/repository/conf/deployment.toml
if [ "${1:-}" = stop ]; then
  echo "stub: stop"
  kill "$(cat "$STUB_PID")"
  exit 0
fi
echo "stub: offset [$(sed -n 's/^offset *= *//p' "$conf")] args [$*]"
if [ -n "${STUB_PID:-}" ]; then
  echo $$ >"$STUB_PID.tmp" && mv "$STUB_PID.tmp" "$STUB_PID"
  exec sleep 30
fi
STUB
  # A ConfigMap mounted at .../wso2-config-volume/repository/conf: the file
  # is a symlink into ..data, which cp -RL follows.
  local vol=$WORKING_DIRECTORY/wso2-config-volume/repository/conf
  mkdir -p "$vol/..2026_01_01_00_00_00.000000000"
  cp fixtures/sample-home/repository/conf/deployment.toml "$vol/..2026_01_01_00_00_00.000000000/"
  ln -s ..2026_01_01_00_00_00.000000000 "$vol/..data"
  ln -s ..data/deployment.toml "$vol/deployment.toml"
}
volume_toml=fixtures/sample-home/repository/conf/deployment.toml

echo "== APIM_OFFSET=3: the server starts with offset 3"
fresh
out=$(APIM_OFFSET=3 "$entrypoint" -Dsetup 2>&1)
echo "$out"
grep -qx 'stub: offset \[3\] args \[-Dsetup\]' <<<"$out"
grep -qx '+offset=3' <<<"$out"
[ ! -L "$conf" ]
diff <(sed 's/^#offset=0$/offset=3/' "$volume_toml") "$conf"

echo "== no APIM_OFFSET: the volume's file as it is"
fresh
out=$("$entrypoint" 2>&1)
echo "$out"
grep -qx 'stub: offset \[\] args \[\]' <<<"$out"
cmp "$volume_toml" "$conf"

echo "== APIM_OFFSET=abc: exit 2 with the tool's error, no server"
fresh
if out=$(APIM_OFFSET=abc "$entrypoint" 2>&1); then echo "the entrypoint did not fail" >&2; exit 1; else rc=$?; fi
echo "$out"
[ "$rc" = 2 ] || { echo "exit code $rc, want 2" >&2; exit 1; }
grep -q '^apim-offset: error: ' <<<"$out"
if grep -q '^stub:' <<<"$out"; then echo "the server started" >&2; exit 1; fi
cmp "$volume_toml" "$conf"

echo "== SIGTERM: api-manager.sh stop, exit 0"
fresh
APIM_OFFSET=4 STUB_PID="$work/server.pid" "$entrypoint" >"$work/term.log" 2>&1 &
server=$!
for _ in $(seq 100); do [ -s "$work/server.pid" ] && break; sleep 0.1; done
[ -s "$work/server.pid" ] || { cat "$work/term.log"; echo "the stub did not start" >&2; exit 1; }
kill -TERM "$server"
rc=0
wait "$server" || rc=$?
server=
cat "$work/term.log"
[ "$rc" = 0 ] || { echo "exit code $rc, want 0" >&2; exit 1; }
grep -qx 'stub: offset \[4\] args \[\]' "$work/term.log"
grep -qx 'entrypoint: stopping the server' "$work/term.log"
grep -qx 'stub: stop' "$work/term.log"
if kill -0 "$(cat "$work/server.pid")" 2>/dev/null; then echo "the server still runs" >&2; exit 1; fi
echo "ok"
