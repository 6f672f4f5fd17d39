#!/usr/bin/env bash
# bench/floor.sh: times `apim-offset set 2 --yes --file F` against the two
# floors it is measured by, each run on a fresh copy of F, interleaved
# (sed, floor, apim-offset, sed, floor, ...):
#   sed    sed -i: one regexp over the lines, no parse, no diff, no fsync;
#   floor  bench/floor: the least a durable, checked splice needs: parse the
#          TOML once, splice, print a unified diff, temp file + fsync +
#          rename + fsync of the folder.
# Every run must leave the same bytes as sed's. bench/interleave does the
# timing (time.Since around each exec, the copy outside it) and prints each
# median and the ratios apim-offset/floor and apim-offset/sed. The target of
# the lean-core work is apim-offset <= 1.3x floor and <= 2.0x sed.
#
#   bash bench/floor.sh                      # APIM 4.5 default, 50 rounds
#   ROUNDS=200 bash bench/floor.sh
#   FILE=other.toml bash bench/floor.sh      # a file with #offset=0 under [server]
#   BEFORE=/tmp/old-apim-offset bash bench/floor.sh   # time an older build too
#   DIR=/dev/shm bash bench/floor.sh         # copies on tmpfs: fsync is free
#                                            # there, what is left is the CPU
#
# FILE defaults to the APIM 4.5.0 all-in-one deployment.toml from the shared
# corpus (../shared/corpus/real/, see its MANIFEST.tsv) when it is there,
# else to the same bytes, the input of fixtures/golden/real-apim-4.5.txtar.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=../shared/corpus/real/wso2__product-apim__v4.5.0__all-in-one-apim_modules_distribution_product_src_main_conf_deployment.toml
ROUNDS=${ROUNDS:-50}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -z "${FILE:-}" ]; then
  FILE=$corpus
  if [ ! -f "$FILE" ]; then # the same bytes, from the golden test's input
    FILE=$work/real-apim-4.5.toml
    sed -n '/^-- input.toml --$/,/^-- /{/^-- /!p;}' fixtures/golden/real-apim-4.5.txtar > "$FILE"
  fi
fi

go build -o "$work/apim-offset" ./cmd/apim-offset
go build -o "$work/floor" ./bench/floor
go build -o "$work/interleave" ./bench/interleave
cp "$FILE" "$work/deployment.toml"

cmds=(
  "sed=sed -i s/^#offset=0/offset=2/ {}"
  "floor=$work/floor 2 {}"
  "apim-offset=$work/apim-offset set 2 --yes --file {}"
)
ratios=(-ratio apim-offset/floor -ratio apim-offset/sed -ratio floor/sed)
if [ -n "${BEFORE:-}" ]; then
  cmds+=("apim-offset-before=$BEFORE set 2 --yes --file {}")
  ratios+=(-ratio apim-offset-before/floor -ratio apim-offset-before/sed)
fi
echo "file: $FILE"
echo "copies in: ${DIR:-${TMPDIR:-/tmp}} ($(df -PT "${DIR:-${TMPDIR:-/tmp}}" | awk 'NR==2 {print $2}'))"
"$work/interleave" -file "$work/deployment.toml" -rounds "$ROUNDS" -dir "${DIR:-}" "${ratios[@]}" "${cmds[@]}"
