#!/bin/sh
# Writes what the deb and rpm packages hold besides the binary into
# packaging/generated/: the man page, gzipped (docs/apim-offset.1, which
# "apim-offset man" prints), and the bash, zsh and fish completion scripts,
# from the command's own definitions ("apim-offset completion SHELL").
# GoReleaser runs it as a before hook (.goreleaser.yaml); packaging/test.sh
# runs it before nfpm (packaging/nfpm.yaml).
set -eu
cd "$(dirname "$0")/.."
out=packaging/generated
mkdir -p "$out/completions"
gzip -9 -n -c docs/apim-offset.1 >"$out/apim-offset.1.gz"
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
go build -o "$bin/apim-offset" ./cmd/apim-offset
for shell in bash zsh fish; do
  "$bin/apim-offset" completion "$shell" >"$out/completions/apim-offset.$shell"
done
