#!/usr/bin/env bash
# Builds the deb (and the rpm) from packaging/nfpm.yaml with nfpm, pinned,
# from the Go module proxy; installs the deb with dpkg, checks the installed
# command, man page and completions, and removes the package again. Needs
# root, dpkg, man-db, bash-completion and rpm (which lists the rpm's files). It
# refuses to run where an apim-offset package or /usr/bin/apim-offset is
# already there, since it removes what it installs.
set -euo pipefail
cd "$(dirname "$0")/.."
nfpm=github.com/goreleaser/nfpm/v2/cmd/nfpm@v2.45.2
for tool in dpkg man:man-db rpm; do
  command -v "${tool%%:*}" >/dev/null || { echo "${tool%%:*} not found (Debian: apt-get install ${tool#*:})" >&2; exit 1; }
done
[ -f /usr/share/bash-completion/bash_completion ] ||
  { echo "bash-completion not found (Debian: apt-get install bash-completion)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "packaging/test.sh installs a package: run it as root" >&2; exit 1; }
if dpkg -s apim-offset >/dev/null 2>&1 || [ -e /usr/bin/apim-offset ]; then
  echo "apim-offset is already installed here; this test would remove it" >&2
  exit 1
fi

work=$(mktemp -d)
installed=
cleanup() {
  if [ -n "$installed" ]; then dpkg -r apim-offset >/dev/null || true; fi
  rm -rf "$work" packaging/generated
}
trap cleanup EXIT

echo "== .goreleaser.yaml's nfpms says what packaging/nfpm.yaml says"
# Its contents less the binary, which GoReleaser adds from bindir; the same
# metadata. PyYAML comes with ansible-core (Debian: python3-yaml).
/usr/bin/python3 - <<'PY'
import yaml
nfpm = yaml.safe_load(open("packaging/nfpm.yaml"))
gr = yaml.safe_load(open(".goreleaser.yaml"))["nfpms"][0]
binary, *contents = nfpm["contents"]
assert binary["dst"] == gr["bindir"] + "/" + nfpm["name"], (binary, gr["bindir"])
assert contents == gr["contents"], ("contents differ", contents, gr["contents"])
for key in ("section", "priority", "maintainer", "description", "homepage"):
    assert nfpm[key] == gr[key], (key, nfpm[key], gr[key])
assert nfpm["name"] == gr["package_name"]
assert sorted(gr["formats"]) == ["deb", "rpm"]
print("the same:", len(contents), "files besides the binary, and", nfpm["name"] + "'s metadata")
PY

echo "== build the packages"
sh packaging/generate.sh
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o packaging/generated/apim-offset ./cmd/apim-offset
export GOARCH=${GOARCH:-$(go env GOARCH)} VERSION=0.0.0-test
for packager in deb rpm; do
  go run "$nfpm" pkg -f packaging/nfpm.yaml --packager "$packager" --target "$work/"
done
deb=$(echo "$work"/*.deb)
rpm=$(echo "$work"/*.rpm)
ls -l "$deb" "$rpm"
dpkg-deb --info "$deb" | grep -E '^ (Package|Version|Architecture):'
dpkg-deb --contents "$deb" | awk '{print $1, $NF}' | grep -v '/$'

want() {
  cat <<LIST
/usr/bin/apim-offset
/usr/share/man/man1/apim-offset.1.gz
/usr/share/bash-completion/completions/apim-offset
/usr/share/zsh/$1/_apim-offset
/usr/share/fish/vendor_completions.d/apim-offset.fish
LIST
}
echo "== the rpm's files"
diff <(want site-functions | sort) <(rpm -qlp "$rpm" 2>/dev/null | sort)
rpm -qip "$rpm" 2>/dev/null | grep -E '^(Name|Version|Architecture) *:'


echo "== install the deb"
installed=1
dpkg -i "$deb"
diff <(want vendor-completions | sort) <(dpkg -L apim-offset | sort | while read -r f; do [ -d "$f" ] || echo "$f"; done)

echo "== the installed command"
version=$(/usr/bin/apim-offset --version)
echo "$version"
[[ $version == "apim-offset version "* ]]
# The package's binary is the one just built.
cmp /usr/bin/apim-offset packaging/generated/apim-offset

echo "== man -w apim-offset"
page=$(man -w apim-offset)
echo "$page"
[ "$page" = /usr/share/man/man1/apim-offset.1.gz ]
zcat "$page" | cmp - docs/apim-offset.1
MANWIDTH=80 man -P cat apim-offset 2>/dev/null | grep -A1 '^NAME'

echo "== completions"
for shell in bash zsh fish; do
  /usr/bin/apim-offset completion "$shell" >"$work/want.$shell"
done
cmp /usr/share/bash-completion/completions/apim-offset "$work/want.bash"
cmp /usr/share/zsh/vendor-completions/_apim-offset "$work/want.zsh"
cmp /usr/share/fish/vendor_completions.d/apim-offset.fish "$work/want.fish"
head -1 /usr/share/zsh/vendor-completions/_apim-offset | grep -qx '#compdef apim-offset'
# bash-completion loads it by the command's name.
bash -c 'source /usr/share/bash-completion/bash_completion
  if type _comp_load >/dev/null 2>&1; then _comp_load apim-offset; else _completion_loader apim-offset; fi
  complete -p apim-offset'

echo "== remove the package"
dpkg -r apim-offset
installed=
if [ -e /usr/bin/apim-offset ] || man -w apim-offset >/dev/null 2>&1; then
  echo "dpkg -r left files behind" >&2
  exit 1
fi
echo "ok"
