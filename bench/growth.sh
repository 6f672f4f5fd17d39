#!/usr/bin/env bash
# bench/growth.sh: how the time and peak memory of `apim-offset set 2 --yes
# --file F` grow from 60 KB to 600 KB of realistic content (WSO2's APIM 4.5
# default with its tables repeated under new names), against the durable
# floor (bench/floor) on the same files, with the start-up (a two-line
# file) taken out; bench/growth does the timing. Targets: growth at most
# 1.3x linear, peak RSS under 40 MB.
#
#   bash bench/growth.sh                      # 60, 120, 300, 600 KB, 9 rounds
#   ROUNDS=15 SIZES=60,600 bash bench/growth.sh
#   BEFORE=/tmp/old-apim-offset bash bench/growth.sh   # an older build too
#   go run ./bench/growth -file F -write DIR  # only write the files
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -z "${FILE:-}" ]; then
  FILE=$work/real-apim-4.5.toml
  sed -n '/^-- input.toml --$/,/^-- /{/^-- /!p;}' fixtures/golden/real-apim-4.5.txtar > "$FILE"
fi
go build -o "$work/apim-offset" ./cmd/apim-offset
go build -o "$work/floor" ./bench/floor
go build -o "$work/growth" ./bench/growth
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores; copies in ${TMPDIR:-/tmp}"
"$work/growth" -apim "$work/apim-offset" -floor "$work/floor" -file "$FILE" \
  -sizes "${SIZES:-60,120,300,600}" -rounds "${ROUNDS:-9}" ${BEFORE:+-before "$BEFORE"}
