#!/bin/sh
# An entrypoint for WSO2's images that sets the port offset when the
# container starts, from the environment:
#
#   docker run -e APIM_OFFSET=2 --network host wso2am-offset
#
# It does what WSO2's own docker-entrypoint.sh does (wso2/docker-apim,
# dockerfiles/ubuntu/apim/docker-entrypoint.sh and
# dockerfiles/alpine/apim/docker-entrypoint.sh): copy what is mounted at
# $WORKING_DIRECTORY/wso2-config-volume and wso2-artifact-volume over the
# server's home (cp -RL: a Kubernetes ConfigMap's symlinks are followed), then
# start the server, stopping it with "api-manager.sh stop" on SIGTERM or
# SIGINT. Between the two it runs
#
#   apim-offset set "$APIM_OFFSET" --home "$WSO2_SERVER_HOME" --yes
#
# so the offset is set in the file the server starts with, the mounted one
# included. The diff goes to the container's log (secrets masked); an invalid
# file or offset stops the container before the server starts (exit 2).
# Without APIM_OFFSET the file is left as it is.
#
# Environment: WSO2_SERVER_HOME and WORKING_DIRECTORY (set by WSO2's images),
# APIM_OFFSET, APIM_OFFSET_BIN (default: apim-offset on PATH),
# WSO2_START_SCRIPT (default: $WSO2_SERVER_HOME/bin/api-manager.sh).
set -eu

: "${WSO2_SERVER_HOME:?WSO2_SERVER_HOME is not set: the server's folder}"
: "${WORKING_DIRECTORY:?WORKING_DIRECTORY is not set: the folder that holds wso2-config-volume}"
start_script=${WSO2_START_SCRIPT:-$WSO2_SERVER_HOME/bin/api-manager.sh}
[ -d "$WSO2_SERVER_HOME" ] || { echo "entrypoint: no server home at $WSO2_SERVER_HOME" >&2; exit 1; }

# copy_volume DIR: DIR's contents over the home, when DIR has any.
copy_volume() {
  if [ -d "$1" ] && [ -n "$(ls -A "$1")" ]; then
    cp -RL "$1"/* "$WSO2_SERVER_HOME"/
  fi
}
copy_volume "$WORKING_DIRECTORY/wso2-config-volume"
copy_volume "$WORKING_DIRECTORY/wso2-artifact-volume"

if [ -n "${APIM_OFFSET:-}" ]; then
  "${APIM_OFFSET_BIN:-apim-offset}" set "$APIM_OFFSET" --home "$WSO2_SERVER_HOME" --yes
fi

# The start script runs java as its child and does not pass SIGTERM on:
# "docker stop" would kill the server after its timeout. Stop it as WSO2's
# entrypoint does, with the script's stop command.
server_pid=
stop() {
  trap - TERM INT
  echo "entrypoint: stopping the server" >&2
  sh "$start_script" stop || true
  if [ -n "$server_pid" ]; then wait "$server_pid" || true; fi
  exit 0
}
trap stop TERM INT
sh "$start_script" "$@" &
server_pid=$!
# wait returns early when a signal arrives; the trap then runs stop.
status=0
wait "$server_pid" || status=$?
exit "$status"
