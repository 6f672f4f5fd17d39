#!/bin/sh
# Writes what the packages and the archive hold besides the binary into
# packaging/generated/, for one version:
#
#   VERSION=1.2.3 sh packaging/generate.sh
#
#   apim-offset.1, apim-offset.1.gz  the man page, printed by "apim-offset man"
#                                    of a binary built with that version
#   completions/apim-offset.{bash,zsh,fish}   "apim-offset completion SHELL"
#   changelog.gz       CHANGELOG.md, its [Unreleased] named VERSION and dated
#   changelog.yml      one entry for VERSION-RELEASE, for nfpm (the deb's
#                      changelog.Debian.gz and the rpm's %changelog)
#
# The date is $SOURCE_DATE_EPOCH's, else the last commit's, so that the same
# commit gives the same files. packaging/build.sh runs it; GoReleaser runs it
# as a before hook with VERSION set from the tag (.goreleaser.yaml).
set -eu
cd "$(dirname "$0")/.."
: "${VERSION:?VERSION is not set: VERSION=1.2.3 sh packaging/generate.sh}"
RELEASE=${RELEASE:-1}
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
export SOURCE_DATE_EPOCH
maintainer=$(sed -n 's/^maintainer: *//p' packaging/nfpm.yaml)
out=packaging/generated
mkdir -p "$out/completions"

bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
CGO_ENABLED=0 go build -trimpath -ldflags "-X main.version=$VERSION" -o "$bin/apim-offset" ./cmd/apim-offset
"$bin/apim-offset" man >"$out/apim-offset.1"
gzip -9 -n -c "$out/apim-offset.1" >"$out/apim-offset.1.gz"
for shell in bash zsh fish; do
  "$bin/apim-offset" completion "$shell" >"$out/completions/apim-offset.$shell"
done

# date -d is GNU's, date -r BSD's (GoReleaser on a Mac).
day=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%d 2>/dev/null || date -u -r "$SOURCE_DATE_EPOCH" +%Y-%m-%d)
stamp=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ 2>/dev/null || date -u -r "$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)
if grep -q "^## \[$VERSION\]" CHANGELOG.md; then
  gzip -9 -n -c CHANGELOG.md >"$out/changelog.gz"
else
  sed "s/^## \[Unreleased\]\$/## [$VERSION] - $day/" CHANGELOG.md | gzip -9 -n >"$out/changelog.gz"
fi
cat >"$out/changelog.yml" <<YAML
# chglog's format (github.com/goreleaser/chglog), read by nfpm.
- semver: $VERSION-$RELEASE
  date: $stamp
  packager: $maintainer
  deb:
    urgency: low
    distributions: [stable]
  changes:
    - note: Upstream release $VERSION, whose changes are in changelog.gz.
YAML
