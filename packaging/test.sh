#!/usr/bin/env bash
# Builds the deb, the rpm and the archive with packaging/build.sh for one
# version (VERSION, 1.2.3 unless set) into a temporary folder, lints them
# (lintian, rpmlint), installs the deb and the rpm into scratch roots
# (dpkg --root, rpm --root: never the host's /usr), checks there the command,
# its --version, the man page made from it, the completions, changelogs and
# licence, removes them again, and unpacks the archive. Needs dpkg, rpm,
# lintian, rpmlint, man-db, bash-completion and python3-yaml; .ci/run
# installs them.
set -euo pipefail
cd "$(dirname "$0")/.."
version=${VERSION:-1.2.3}
release=1
for tool in dpkg rpm lintian rpmlint man:man-db; do
  command -v "${tool%%:*}" >/dev/null || { echo "${tool%%:*} not found (Debian: apt-get install ${tool#*:})" >&2; exit 1; }
done
[ -f /usr/share/bash-completion/bash_completion ] ||
  { echo "bash-completion not found (Debian: apt-get install bash-completion)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work" packaging/generated' EXIT
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct)}

echo "== .goreleaser.yaml's nfpms says what packaging/nfpm.yaml says"
# Its contents less the binary, which GoReleaser adds from bindir; the same
# metadata.
/usr/bin/python3 - <<'PY'
import yaml
nfpm = yaml.safe_load(open("packaging/nfpm.yaml"))
gr = yaml.safe_load(open(".goreleaser.yaml"))["nfpms"][0]
binary, *contents = nfpm["contents"]
assert binary["dst"] == gr["bindir"] + "/" + nfpm["name"], (binary, gr["bindir"])
assert contents == gr["contents"], ("contents differ", contents, gr["contents"])
for key in ("section", "priority", "maintainer", "description", "homepage", "license", "changelog", "rpm"):
    assert nfpm[key] == gr[key], (key, nfpm[key], gr[key])
assert gr["release"] == "1" and nfpm["release"] == "${RELEASE}", (gr["release"], nfpm["release"])
assert nfpm["name"] == gr["package_name"]
assert sorted(gr["formats"]) == ["deb", "rpm"]
print("the same:", len(contents), "files besides the binary, and", nfpm["name"] + "'s metadata")
PY

echo "== packaging/debian/copyright names every module compiled into the command"
while read -r module; do
  grep -q "^Files:.* $module/\*" packaging/debian/copyright ||
    { echo "packaging/debian/copyright has no Files: $module/* stanza" >&2; exit 1; }
  echo "$module"
done < <(go list -deps -f '{{if not .Standard}}{{.Module.Path}}{{end}}' ./cmd/apim-offset | sort -u | grep -vx 'github.com/apim-offset/apim-offset')

echo "== VERSION=$version sh packaging/build.sh"
DIST=$work/dist VERSION=$version RELEASE=$release sh packaging/build.sh
arch=$(go env GOARCH)
deb=$work/dist/apim-offset_${version}-${release}_$arch.deb
rpm=$(echo "$work"/dist/apim-offset-"$version"-"$release".*.rpm)
archive=$work/dist/apim-offset_${version}_linux_$arch.tar.gz
ls "$deb" "$rpm" "$archive" >/dev/null

echo "== lintian"
lintian --fail-on error,warning --display-info --pedantic "$deb"
echo "lintian: no errors or warnings"

echo "== rpmlint"
# nfpm's rpm names its files /usr/...: rpmlint unpacks it with cpio, which
# would write them into the host's /usr. This cpio keeps them in rpmlint's
# folder.
mkdir "$work/shim"
printf '#!/bin/sh\nexec %s --no-absolute-filenames "$@"\n' "$(command -v cpio)" >"$work/shim/cpio"
chmod +x "$work/shim/cpio"
# rpmlint 2.4.0 warns no-manual-page-for-binary for every binary (FilesCheck
# records a man page's section, not its name); rpm -qpd below shows the page.
PATH="$work/shim:$PATH" rpmlint -c packaging/rpmlint.toml "$rpm"

echo "== the packages' metadata"
dpkg-deb --info "$deb" | grep -E '^ (Package|Version|Architecture|Maintainer|Section):'
[ "$(dpkg-deb -f "$deb" Version)" = "$version-$release" ]
rpm -qip "$rpm" 2>/dev/null | grep -E '^(Name|Version|Release|Architecture|Group|License) *:'
[ "$(rpm -qp --qf '%{VERSION} %{RELEASE} %{LICENSE} %{GROUP}' "$rpm" 2>/dev/null)" = "$version $release Apache-2.0 Applications/System" ]
diff <(printf '%s\n' /usr/share/doc/apim-offset/changelog.gz /usr/share/man/man1/apim-offset.1.gz) <(rpm -qpd "$rpm" 2>/dev/null)
diff <(echo /usr/share/licenses/apim-offset/LICENSE) <(rpm -qpL "$rpm" 2>/dev/null)
rpm -qp --changelog "$rpm" 2>/dev/null | tee "$work/rpm-changelog"
grep -q "^\* .* - $version-$release\$" "$work/rpm-changelog"

# want PACKAGER: the files a package installs.
want() {
  local zsh=vendor-completions
  [ "$1" = rpm ] && zsh=site-functions
  {
    echo /usr/bin/apim-offset
    echo /usr/share/man/man1/apim-offset.1.gz
    echo /usr/share/bash-completion/completions/apim-offset
    echo /usr/share/zsh/$zsh/_apim-offset
    echo /usr/share/fish/vendor_completions.d/apim-offset.fish
    echo /usr/share/doc/apim-offset/changelog.gz
    if [ "$1" = deb ]; then
      echo /usr/share/doc/apim-offset/changelog.Debian.gz
      echo /usr/share/doc/apim-offset/copyright
      echo /usr/share/lintian/overrides/apim-offset
    else
      echo /usr/share/licenses/apim-offset/LICENSE
    fi
  } | sort
}
# files ROOT: the files under ROOT, less the package database.
files() { (cd "$1" && find . -type f ! -path './var/lib/*' ! -path './root/*' | sed 's/^\.//' | sort); }

# installed ROOT ZSHDIR: the command, man page and completions under ROOT.
installed() {
  local root=$1 zsh=$2
  local version_line
  version_line=$("$root/usr/bin/apim-offset" --version)
  echo "$version_line"
  [ "$version_line" = "apim-offset version $version" ]
  cmp "$root/usr/bin/apim-offset" packaging/generated/apim-offset

  # The man page is the one this binary prints: .TH names the version.
  zcat "$root/usr/share/man/man1/apim-offset.1.gz" >"$work/page.1"
  head -1 "$work/page.1"
  grep -q "^\.TH APIM-OFFSET 1 \"[0-9-]*\" \"apim-offset $version\" " "$work/page.1"
  "$root/usr/bin/apim-offset" man | cmp - "$work/page.1"
  [ "$(man -M "$root/usr/share/man" -w apim-offset)" = "$root/usr/share/man/man1/apim-offset.1.gz" ]
  MANWIDTH=80 MANPAGER=cat PAGER=cat man -l "$work/page.1" 2>/dev/null >"$work/page.txt"
  tail -1 "$work/page.txt"
  grep -q "^apim-offset $version  .*APIM-OFFSET(1)\$" "$work/page.txt"
  awk 'length($0) > 80 { print "line " NR " is " length($0) " columns: " $0; bad = 1 } END { exit bad }' "$work/page.txt"

  for shell in bash zsh fish; do
    "$root/usr/bin/apim-offset" completion "$shell" >"$work/want.$shell"
  done
  cmp "$root/usr/share/bash-completion/completions/apim-offset" "$work/want.bash"
  cmp "$root/usr/share/zsh/$zsh/_apim-offset" "$work/want.zsh"
  cmp "$root/usr/share/fish/vendor_completions.d/apim-offset.fish" "$work/want.fish"
  head -1 "$root/usr/share/zsh/$zsh/_apim-offset" | grep -qx '#compdef apim-offset'
  # bash-completion loads it by the command's name from the root's share.
  XDG_DATA_DIRS=$root/usr/share bash -c 'source /usr/share/bash-completion/bash_completion
    if type _comp_load >/dev/null 2>&1; then _comp_load apim-offset; else _completion_loader apim-offset; fi
    complete -p apim-offset'

  zcat "$root/usr/share/doc/apim-offset/changelog.gz" | grep -m1 '^## \['
  zcat "$root/usr/share/doc/apim-offset/changelog.gz" | grep -q "^## \[$version\] - [0-9]\{4\}-[0-9][0-9]-[0-9][0-9]\$"
}

echo "== the deb, installed into a scratch root with dpkg --root"
root=$work/deb-root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
: >"$root/var/lib/dpkg/status"
dpkg --root="$root" --log=/dev/null -i "$deb"
diff <(want deb) <(files "$root")
diff <(want deb) <(dpkg --root="$root" -L apim-offset | while read -r f; do [ -d "$root$f" ] || echo "$f"; done | sort)
installed "$root" vendor-completions
zcat "$root/usr/share/doc/apim-offset/changelog.Debian.gz" | head -1 | grep -x "apim-offset ($version-$release) stable; urgency=low"
grep -q '^License: Apache-2.0$' "$root/usr/share/doc/apim-offset/copyright"
dpkg --root="$root" --log=/dev/null -r apim-offset
left=$(files "$root")
[ -z "$left" ] || { echo "dpkg -r left files behind: $left" >&2; exit 1; }

echo "== the rpm, installed into a scratch root with rpm --root"
root=$work/rpm-root
rpm --root "$root" --initdb
rpm --root "$root" -i --nodeps "$rpm" 2>/dev/null
diff <(want rpm) <(files "$root")
installed "$root" site-functions
cmp "$root/usr/share/licenses/apim-offset/LICENSE" LICENSE
rpm --root "$root" -e apim-offset 2>/dev/null
left=$(files "$root")
[ -z "$left" ] || { echo "rpm -e left files behind: $left" >&2; exit 1; }

echo "== the archive"
name=apim-offset_${version}_linux_$arch
diff <(printf '%s\n' "$name/" "$name/CHANGELOG.md" "$name/LICENSE" "$name/README.md" "$name/apim-offset" "$name/apim-offset.1" \
  "$name/completions/" "$name/completions/apim-offset.bash" "$name/completions/apim-offset.fish" "$name/completions/apim-offset.zsh") \
  <(tar -tzf "$archive" | sort)
mkdir "$work/archive"
tar -C "$work/archive" -xzf "$archive"
[ "$("$work/archive/$name/apim-offset" --version)" = "apim-offset version $version" ]
head -1 "$work/archive/$name/apim-offset.1" | grep -q "\"apim-offset $version\""
echo "ok"
