#!/bin/sh
# An entrypoint for WSO2's container images (API Manager and its 4.5+
# control plane, gateway and traffic manager, Identity Server, Micro
# Integrator) that sets the port offset when the container starts:
#
#   docker run -e APIM_OFFSET=2 --network host wso2am-offset
#
# It does what WSO2's own docker-entrypoint.sh does (wso2/docker-apim,
# dockerfiles/*/apim*/docker-entrypoint.sh; wso2/micro-integrator,
# distribution/src/docker-distribution/filtered/docker-entrypoint.sh):
#   1. refills repository/deployment/server/synapse-configs and
#      executionplans from $WORKING_DIRECTORY/wso2-tmp when they are empty
#      (an empty volume mounted there), as WSO2's image keeps the defaults
#      there;
#   2. with PROFILE_NAME=key-manager on a control-plane home, runs
#      profileSetup.sh -Dprofile=key-manager (WSO2's apim-acp image);
#   3. copies what is mounted at $WORKING_DIRECTORY/wso2-config-volume and
#      wso2-artifact-volume over the home (cp -RL: a Kubernetes ConfigMap's
#      symlinks are followed);
# then runs, when APIM_OFFSET is set,
#
#   apim-offset set "$APIM_OFFSET" --home "$WSO2_SERVER_HOME" --yes $APIM_OFFSET_ARGS
#
# so the offset is set in the file the server starts with, the mounted one
# included (the diff goes to the log, secrets masked), and last starts the
# product's own start script, found in $WSO2_SERVER_HOME/bin as apim-offset
# finds the product (internal/wso2's detection table): micro-integrator.sh,
# api-cp.sh, gateway.sh, traffic-manager.sh, key-manager.sh, api-manager.sh,
# wso2server.sh. SIGTERM and SIGINT stop the server with "SCRIPT stop".
#
# Environment: WSO2_SERVER_HOME and WORKING_DIRECTORY (set by WSO2's images);
# APIM_OFFSET (empty: the file is left as it is); APIM_OFFSET_ARGS, more
# options for apim-offset set, split at spaces (--shift-literals, --strict,
# --backup); APIM_OFFSET_BIN (default: apim-offset on PATH);
# WSO2_START_SCRIPT, the start script when it is not the one found;
# PROFILE_NAME (step 2).
#
# Exit status: 2 apim-offset refused the offset or the file (its error is in
# the log; the server is not started); 3 WSO2_SERVER_HOME or
# WORKING_DIRECTORY is not set or not a folder; 4 no start script; otherwise
# the server's own status.
set -eu

say() { printf 'entrypoint: %s\n' "$*" >&2; }

if [ -z "${WSO2_SERVER_HOME:-}" ] || [ ! -d "$WSO2_SERVER_HOME" ]; then
  say "no server home: WSO2_SERVER_HOME is \"${WSO2_SERVER_HOME:-}\", which is not a folder"
  exit 3
fi
if [ -z "${WORKING_DIRECTORY:-}" ] || [ ! -d "$WORKING_DIRECTORY" ]; then
  say "no working folder: WORKING_DIRECTORY is \"${WORKING_DIRECTORY:-}\", which is not a folder (it holds wso2-config-volume)"
  exit 3
fi

# find_start_script: the start script's path, or nothing.
find_start_script() {
  if [ -n "${WSO2_START_SCRIPT:-}" ]; then
    [ -f "$WSO2_START_SCRIPT" ] && printf '%s\n' "$WSO2_START_SCRIPT"
    return 0
  fi
  if [ "${PROFILE_NAME:-}" = key-manager ] && [ -f "$WSO2_SERVER_HOME/bin/key-manager.sh" ]; then
    printf '%s\n' "$WSO2_SERVER_HOME/bin/key-manager.sh"
    return 0
  fi
  for name in micro-integrator.sh api-cp.sh gateway.sh traffic-manager.sh key-manager.sh api-manager.sh wso2server.sh; do
    if [ -f "$WSO2_SERVER_HOME/bin/$name" ]; then
      printf '%s\n' "$WSO2_SERVER_HOME/bin/$name"
      return 0
    fi
  done
}
start_script=$(find_start_script)
if [ -z "$start_script" ]; then
  if [ -n "${WSO2_START_SCRIPT:-}" ]; then
    say "no start script: WSO2_START_SCRIPT is $WSO2_START_SCRIPT, which is not a file"
  else
    say "no start script in $WSO2_SERVER_HOME/bin (micro-integrator.sh, api-cp.sh, gateway.sh, traffic-manager.sh, key-manager.sh, api-manager.sh or wso2server.sh): set WSO2_START_SCRIPT"
  fi
  exit 4
fi

# 1. The default artifacts WSO2's image keeps in wso2-tmp, into their
# folders when those are empty.
deployment=$WSO2_SERVER_HOME/repository/deployment/server
for shared in executionplans synapse-configs; do
  kept=$WORKING_DIRECTORY/wso2-tmp/$shared
  if [ -d "$kept" ] && [ -d "$deployment/$shared" ] && [ -z "$(ls -A "$deployment/$shared")" ]; then
    cp -R "$kept"/* "$deployment/$shared"/
    say "copied the default $shared from $kept"
  fi
done

# 2. The key-manager profile of a control-plane home.
if [ "${PROFILE_NAME:-}" = key-manager ] && [ -f "$WSO2_SERVER_HOME/bin/profileSetup.sh" ]; then
  sh "$WSO2_SERVER_HOME/bin/profileSetup.sh" -Dprofile=key-manager
fi

# 3. The mounted configuration and artifacts over the home.
for volume in "$WORKING_DIRECTORY/wso2-config-volume" "$WORKING_DIRECTORY/wso2-artifact-volume"; do
  if [ -d "$volume" ] && [ -n "$(ls -A "$volume")" ]; then
    cp -RL "$volume"/* "$WSO2_SERVER_HOME"/
  fi
done

# The offset. The tool's note that a restart is needed is dropped: the
# server has not started yet and starts with the new file below.
if [ -n "${APIM_OFFSET:-}" ]; then
  set -f # APIM_OFFSET_ARGS is split at spaces, never expanded as a pattern
  status=0
  # shellcheck disable=SC2086
  notes=$("${APIM_OFFSET_BIN:-apim-offset}" set "$APIM_OFFSET" --home "$WSO2_SERVER_HOME" --yes ${APIM_OFFSET_ARGS:-} 2>&1 >&3) || status=$?
  set +f
  if [ -n "$notes" ]; then
    printf '%s\n' "$notes" | sed 's/; restart the server to use it$//' >&2
  fi
  if [ "$status" != 0 ]; then
    say "apim-offset refused (exit status $status): the server is not started"
    exit 2
  fi
fi 3>&1

# The start script runs java as its child and does not pass SIGTERM on:
# "docker stop" would kill the server after its timeout. Stop it as WSO2's
# entrypoint does, with the script's stop command.
server_pid=
# shellcheck disable=SC2317 # run by the trap below, which shellcheck 0.9 does not follow
stop() {
  trap - TERM INT
  say "stopping the server"
  sh "$start_script" stop || true
  if [ -n "$server_pid" ]; then wait "$server_pid" || true; fi
  exit 0
}
trap stop TERM INT
say "starting $start_script"
sh "$start_script" "$@" &
server_pid=$!
# wait returns early when a signal arrives; the trap then runs stop.
status=0
wait "$server_pid" || status=$?
exit "$status"
