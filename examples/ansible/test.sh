#!/usr/bin/env bash
# Runs playbook.yml for real with ansible-playbook on this machine
# (connection local) against a copy of the bundled sample home: a check run
# reports changed and writes nothing, the first run changes the file, the
# second finds nothing to do.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v ansible-playbook >/dev/null || { echo "ansible-playbook not found (Debian: apt-get install ansible-core)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/apim-offset" ./cmd/apim-offset
cp -r fixtures/sample-home "$work/home"
conf="$work/home/repository/conf/deployment.toml"
cp "$conf" "$work/original.toml"

play() {
  ANSIBLE_NOCOLOR=1 ANSIBLE_STDOUT_CALLBACK=default ansible-playbook -i localhost, -c local \
    -e "apim_home=$work/home apim_offset=2 apim_offset_bin=$work/apim-offset" "$@" examples/ansible/playbook.yml
}
recap() { grep -E '^localhost +:' | sed -E 's/ +/ /g'; }

echo "== check mode: changed, nothing written"
out=$(play --check); echo "$out" | recap
echo "$out" | recap | grep -q 'changed=1 .*failed=0'
cmp "$conf" "$work/original.toml"

echo "== first run: changed"
out=$(play); echo "$out" | recap
echo "$out" | recap | grep -q 'changed=1 .*failed=0'
echo "$out" | grep -q '"+offset=2"'
grep -q '^offset=2$' "$conf"
cmp "$conf.bak" "$work/original.toml"

echo "== second run: ok, nothing changed"
out=$(play); echo "$out" | recap
echo "$out" | recap | grep -q 'changed=0 .*failed=0'

echo "== an error fails the task"
rm "$conf"
if out=$(play); then echo "the play did not fail on a missing file" >&2; exit 1; fi
echo "$out" | grep -q 'no such file or directory'
echo "ok"
