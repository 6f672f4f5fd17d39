#!/bin/sh
# Builds apim-offset's deb, rpm and tar.gz archive for Linux into dist/, with
# one version in the binary (--version), the man page and the packages:
#
#   VERSION=1.2.3 sh packaging/build.sh
#   GOARCH=arm64 VERSION=1.2.3 sh packaging/build.sh
#
# Without VERSION: the latest v* tag's version (git describe), else
# 0.0.0-dev.REVISION. DIST names another output folder. nfpm is run with
# "go run" at the version pinned below, from the Go module proxy.
set -eu
cd "$(dirname "$0")/.."
nfpm=github.com/goreleaser/nfpm/v2/cmd/nfpm@v2.45.2
if [ -z "${VERSION:-}" ]; then
  VERSION=$(git describe --tags --match 'v[0-9]*' 2>/dev/null | sed 's/^v//')
  [ -n "$VERSION" ] || VERSION=0.0.0-dev.$(git rev-parse --short=7 HEAD)
fi
GOARCH=${GOARCH:-$(go env GOARCH)}
RELEASE=${RELEASE:-1}
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct)}
dist=${DIST:-dist}
export VERSION GOARCH RELEASE SOURCE_DATE_EPOCH

sh packaging/generate.sh
GOOS=linux CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=$VERSION" \
  -o packaging/generated/apim-offset ./cmd/apim-offset
mkdir -p "$dist"
for packager in deb rpm; do
  go run "$nfpm" pkg -f packaging/nfpm.yaml --packager "$packager" --target "$dist/"
done

# The archive: as GoReleaser's (.goreleaser.yaml), in a folder of its name.
name=apim-offset_${VERSION}_linux_$GOARCH
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/$name/completions"
cp packaging/generated/apim-offset packaging/generated/apim-offset.1 LICENSE README.md CHANGELOG.md "$stage/$name/"
cp packaging/generated/completions/* "$stage/$name/completions/"
tar -C "$stage" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
  -cf - "$name" | gzip -9 -n >"$dist/$name.tar.gz"
ls -l "$dist"
