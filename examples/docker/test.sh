#!/usr/bin/env bash
# Runs examples/docker/entrypoint.sh and healthcheck.sh without Docker, as
# WSO2's images would: WORKING_DIRECTORY and WSO2_SERVER_HOME point into a
# temporary folder, the home is made from a fixture whose start scripts are
# stubs that print the offset they find in the file they start with, and
# apim-offset is built from this checkout onto PATH. First shellcheck, then,
# under sh (Debian's dash) and under bash, on an API Manager home (a
# ConfigMap-like config volume) and a Micro Integrator home:
#   APIM_OFFSET=N        the server's own script starts with offset N; the diff
#                        is in the log, no "restart" line; the health check
#                        asks for the port at N
#   APIM_OFFSET_ARGS     --shift-literals moves the literal URLs too
#   no APIM_OFFSET       the file as it is; the health check at its offset
#   APIM_OFFSET=abc      exit 2, the tool's error, no server
#   no home, no working folder, no start script: exits 3, 3 and 4
#   wso2-tmp             empty synapse-configs/executionplans refilled
#   SIGTERM              "SCRIPT stop", exit 0
# and, under sh, the start script found in each fixture home, and
# PROFILE_NAME=key-manager on a control-plane home.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v shellcheck >/dev/null || { echo "shellcheck not found (Debian: apt-get install shellcheck)" >&2; exit 1; }
work=$(mktemp -d)
server=
cleanup() {
  [ -z "$server" ] || kill "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "== shellcheck"
shellcheck -s sh examples/docker/entrypoint.sh examples/docker/healthcheck.sh
echo "clean"

go build -o "$work/bin/apim-offset" ./cmd/apim-offset
export PATH="$work/bin:$PATH" WORKING_DIRECTORY="$work/wso2carbon" WSO2_SERVER_HOME="$work/wso2carbon/home"
unset APIM_OFFSET APIM_OFFSET_ARGS APIM_OFFSET_BIN WSO2_START_SCRIPT PROFILE_NAME JAVA_OPTS JVM_MEM_OPTS
entrypoint=$PWD/examples/docker/entrypoint.sh
healthcheck=$PWD/examples/docker/healthcheck.sh

# fresh FIXTURE: the working folder, and the home made from fixtures/FIXTURE
# (or the sample home) with a stub for each start script in its bin/.
fresh() {
  rm -rf "$WORKING_DIRECTORY"
  mkdir -p "$WORKING_DIRECTORY"
  cp -r "fixtures/$1" "$WSO2_SERVER_HOME"
  local script
  for script in "$WSO2_SERVER_HOME"/bin/*.sh; do
    [ -e "$script" ] || continue
    cat >"$script" <<'STUB'
#!/bin/sh
# A stub of a WSO2 start script: prints its name and the offset in the file
# it starts with; with STUB_PID set it then runs until "SCRIPT stop" ends it.
conf=$WSO2_SERVER_HOME/repository/conf/deployment.toml
[ -f "$conf" ] || conf=$WSO2_SERVER_HOME/conf/deployment.toml
name=$(basename "$0")
if [ "${1:-}" = stop ]; then
  echo "stub $name: stop"
  kill "$(cat "$STUB_PID")"
  exit 0
fi
echo "stub $name: offset [$(sed -n 's/^offset *= *//p' "$conf")] args [$*]"
if [ -n "${STUB_PID:-}" ]; then
  echo $$ >"$STUB_PID.tmp" && mv "$STUB_PID.tmp" "$STUB_PID"
  exec sleep 30
fi
STUB
  done
}
# configmap: a ConfigMap with the sample's deployment.toml mounted at
# wso2-config-volume/repository/conf: the file is a symlink into ..data.
configmap() {
  local vol=$WORKING_DIRECTORY/wso2-config-volume/repository/conf
  mkdir -p "$vol/..2026_01_01_00_00_00.000000000"
  cp fixtures/sample-home/repository/conf/deployment.toml "$vol/..2026_01_01_00_00_00.000000000/"
  ln -s ..2026_01_01_00_00_00.000000000 "$vol/..data"
  ln -s ..data/deployment.toml "$vol/deployment.toml"
}
# run SHELL WANT [ENV=VALUE...] -- ARGS: the entrypoint under SHELL, which
# must exit WANT; its output in $out.
run() {
  local shell=$1 want=$2 rc=0
  shift 2
  local envs=()
  while [ "$1" != -- ]; do envs+=("$1"); shift; done
  shift
  out=$(env "${envs[@]}" "$shell" "$entrypoint" "$@" 2>&1) || rc=$?
  printf '%s\n' "$out" | sed 's/^/  /'
  [ "$rc" = "$want" ] || { echo "exit status $rc, want $want" >&2; exit 1; }
}
# health WANT_URL: the health check's URL for the home as it is.
health() {
  local url
  url=$(HEALTHCHECK_DRY_RUN=1 sh "$healthcheck")
  echo "  health check: $url"
  [ "$url" = "$1" ] || { echo "health check URL $url, want $1" >&2; exit 1; }
}
has() { grep -Fqx -- "$1" <<<"$out" || { echo "no line \"$1\"" >&2; exit 1; }; }
hasnt() { if grep -q -- "$1" <<<"$out"; then echo "a line matches \"$1\"" >&2; exit 1; fi; }
volume_toml=fixtures/sample-home/repository/conf/deployment.toml

for shell in sh bash; do
  echo "== $shell: API Manager, APIM_OFFSET=3, the config volume's file"
  fresh sample-home
  configmap
  run "$shell" 0 APIM_OFFSET=3 -- -Dsetup
  has 'stub api-manager.sh: offset [3] args [-Dsetup]'
  has '+offset=3'
  hasnt 'restart'
  [ ! -L "$WSO2_SERVER_HOME/repository/conf/deployment.toml" ]
  diff <(sed 's/^#offset=0$/offset=3/' "$volume_toml") "$WSO2_SERVER_HOME/repository/conf/deployment.toml"
  health https://localhost:9446/services/Version

  echo "== $shell: APIM_OFFSET_ARGS=--shift-literals moves the literal URLs too"
  fresh sample-home
  run "$shell" 0 APIM_OFFSET=3 APIM_OFFSET_ARGS='--shift-literals --backup' --
  has 'stub api-manager.sh: offset [3] args []'
  grep -q '^ws_endpoint = "ws://localhost:9102"$' "$WSO2_SERVER_HOME/repository/conf/deployment.toml"
  [ -f "$WSO2_SERVER_HOME/repository/conf/deployment.toml.bak" ]

  echo "== $shell: API Manager without APIM_OFFSET: the file as it is"
  fresh sample-home
  sed -i 's/^#offset=0$/offset=7/' "$WSO2_SERVER_HOME/repository/conf/deployment.toml"
  run "$shell" 0 --
  has 'stub api-manager.sh: offset [7] args []'
  health https://localhost:9450/services/Version

  echo "== $shell: Micro Integrator, APIM_OFFSET=5"
  fresh homes/mi-4.3
  run "$shell" 0 APIM_OFFSET=5 --
  has 'stub micro-integrator.sh: offset [5] args []'
  has '+offset  = 5'
  hasnt 'restart'
  health http://localhost:9196/healthz
  echo "== $shell: Micro Integrator without APIM_OFFSET: its default offset, 10"
  fresh homes/mi-4.3
  run "$shell" 0 --
  has 'stub micro-integrator.sh: offset [] args []'
  health http://localhost:9201/healthz

  echo "== $shell: APIM_OFFSET=abc: exit 2 with the tool's error, no server"
  fresh sample-home
  configmap
  run "$shell" 2 APIM_OFFSET=abc --
  grep -q '^apim-offset: error: ' <<<"$out"
  hasnt '^stub'
  cmp "$volume_toml" "$WSO2_SERVER_HOME/repository/conf/deployment.toml"

  echo "== $shell: no home, no working folder, no start script: 3, 3, 4"
  fresh sample-home
  run "$shell" 3 WSO2_SERVER_HOME="$work/none" --
  run "$shell" 3 WORKING_DIRECTORY= --
  run "$shell" 4 WSO2_START_SCRIPT="$work/none.sh" --
  rm -rf "$WSO2_SERVER_HOME"
  fresh homes/unknown
  run "$shell" 4 APIM_OFFSET=1 --
  cmp fixtures/homes/unknown/repository/conf/deployment.toml "$WSO2_SERVER_HOME/repository/conf/deployment.toml"

  echo "== $shell: wso2-tmp refills an empty synapse-configs, not a full executionplans"
  fresh sample-home
  server_dir=$WSO2_SERVER_HOME/repository/deployment/server
  mkdir -p "$server_dir/synapse-configs" "$server_dir/executionplans" \
    "$WORKING_DIRECTORY/wso2-tmp/synapse-configs/default/api" "$WORKING_DIRECTORY/wso2-tmp/executionplans"
  echo '<api name="_TokenAPI_"/>' >"$WORKING_DIRECTORY/wso2-tmp/synapse-configs/default/api/_TokenAPI_.xml"
  echo 'kept' >"$WORKING_DIRECTORY/wso2-tmp/executionplans/default.siddhiql"
  echo 'mine' >"$server_dir/executionplans/mine.siddhiql"
  run "$shell" 0 --
  cmp "$WORKING_DIRECTORY/wso2-tmp/synapse-configs/default/api/_TokenAPI_.xml" "$server_dir/synapse-configs/default/api/_TokenAPI_.xml"
  [ ! -e "$server_dir/executionplans/default.siddhiql" ]
  has "entrypoint: copied the default synapse-configs from $WORKING_DIRECTORY/wso2-tmp/synapse-configs"

  echo "== $shell: SIGTERM: api-manager.sh stop, exit 0"
  fresh sample-home
  rm -f "$work/server.pid"
  APIM_OFFSET=4 STUB_PID="$work/server.pid" "$shell" "$entrypoint" >"$work/term.log" 2>&1 &
  server=$!
  for _ in $(seq 100); do [ -s "$work/server.pid" ] && break; sleep 0.1; done
  [ -s "$work/server.pid" ] || { cat "$work/term.log"; echo "the stub did not start" >&2; exit 1; }
  kill -TERM "$server"
  rc=0
  wait "$server" || rc=$?
  server=
  sed 's/^/  /' "$work/term.log"
  [ "$rc" = 0 ] || { echo "exit status $rc, want 0" >&2; exit 1; }
  out=$(cat "$work/term.log")
  has 'stub api-manager.sh: offset [4] args []'
  has 'entrypoint: stopping the server'
  has 'stub api-manager.sh: stop'
  if kill -0 "$(cat "$work/server.pid")" 2>/dev/null; then echo "the server still runs" >&2; exit 1; fi
  rm -rf "$WSO2_SERVER_HOME"
done

echo "== sh: the start script found in each fixture home"
while read -r fixture script; do
  fresh "homes/$fixture"
  out=$(sh "$entrypoint" 2>&1) || { echo "$out"; exit 1; }
  grep -q "^stub $script: " <<<"$out" || { echo "$out"; echo "$fixture: want $script" >&2; exit 1; }
  echo "  $fixture: $script"
  rm -rf "$WSO2_SERVER_HOME"
done <<'TABLE'
apim-3.2 wso2server.sh
apim-4.2 api-manager.sh
apim-4.5-control-plane api-cp.sh
apim-4.5-gateway gateway.sh
apim-4.5-traffic-manager traffic-manager.sh
wso2am-acp-4.5.0 key-manager.sh
is-7.0 wso2server.sh
mi-4.3 micro-integrator.sh
TABLE

echo "== sh: PROFILE_NAME=key-manager: profileSetup.sh, then the offset, then key-manager.sh"
fresh homes/apim-4.5-control-plane
cp "$WSO2_SERVER_HOME/bin/api-cp.sh" "$WSO2_SERVER_HOME/bin/key-manager.sh"
# profileSetup.sh replaces deployment.toml with the profile's template, as
# WSO2's does (an offset set before would be lost).
cat >"$WSO2_SERVER_HOME/bin/profileSetup.sh" <<'SETUP'
#!/bin/sh
echo "profileSetup: $*"
printf '[server]\nhostname = "km"\n' >"$WSO2_SERVER_HOME/repository/conf/deployment.toml"
SETUP
run sh 0 PROFILE_NAME=key-manager APIM_OFFSET=2 --
has 'profileSetup: -Dprofile=key-manager'
has 'stub key-manager.sh: offset [2] args []'
echo "ok"
