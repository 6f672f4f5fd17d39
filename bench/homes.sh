#!/usr/bin/env bash
# bench/homes.sh: apim-offset over 1,000 API Manager homes against the bare
# durable loop over the same files (bench/floor -j 16: parse, splice, diff,
# temp + fsync + rename + folder fsync, 16 files at once, as set --yes
# works on 16 at once): `set 7 --yes`, `set 7 --dry-run` and `plan`, each
# run on freshly reset files, the commands interleaved round by round
# (bench/homes does the timing). Targets: set/bare <= 1.5x, plan/dry-run
# <= 0.5x.
#
#   bash bench/homes.sh                        # 1,000 homes, 5 rounds
#   N=200 ROUNDS=9 bash bench/homes.sh
#   BEFORE=/tmp/old-apim-offset bash bench/homes.sh   # an older build too
#   FILE=other.toml bash bench/homes.sh
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=../shared/corpus/real/wso2__product-apim__v4.5.0__all-in-one-apim_modules_distribution_product_src_main_conf_deployment.toml
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
go build -o "$work/homes" ./bench/homes
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
"$work/homes" -apim "$work/apim-offset" -floor "$work/floor" -file "$FILE" \
  -n "${N:-1000}" -rounds "${ROUNDS:-5}" ${BEFORE:+-before "$BEFORE"}
