#!/usr/bin/env bash
# Tests the apim_offset.wso2 collection for real with Debian's ansible-core:
# builds it with ansible-galaxy, installs it into a temporary path, checks
# that ansible-doc renders the module, then runs ansible/tests/playbook.yml
# over three local hosts, each with a home made from the sample home and its
# own offset, and the tool built from this checkout on PATH:
#   --check --diff  three diffs, changed=3, no file written (checksums)
#   first run       changed=3, each file has its offset and a .bak
#   second run      changed=0
# then a home with a duplicate key (the tool's error and hint), a file with
# a byte order mark (an Ansible warning; strict: true fails), file: with
# product, template=false and shift_literals (ad hoc), home and file
# together, the tool missing from PATH, a binary path that does not exist,
# a loop with --diff (each item's diff; ansible/tests/loop.yml), a pattern
# that partly fails (failed and changed; glob.yml), and warnings taken from
# the tool's findings when its JSON has them, else from its warnings.
# First, the module's documentation is checked offline with ansible-test's
# validate-modules, run with the system's Python (ansible-test sanity would
# download pip into a virtual environment).
set -euo pipefail
cd "$(dirname "$0")/../.."
for tool in ansible-galaxy ansible-doc ansible-playbook ansible-test; do
  command -v "$tool" >/dev/null || { echo "$tool not found (Debian: apt-get install ansible-core)" >&2; exit 1; }
done
/usr/bin/python3 -c 'import voluptuous' 2>/dev/null ||
  { echo "voluptuous not found, which validate-modules needs (Debian: apt-get install python3-voluptuous)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Ansible keeps its temporary files and caches under ANSIBLE_HOME.
export ANSIBLE_HOME="$work/ansible-home" ANSIBLE_LOCAL_TEMP="$work/ansible-tmp" \
  ANSIBLE_REMOTE_TEMP="$work/ansible-tmp" ANSIBLE_COLLECTIONS_PATH="$work/collections" \
  ANSIBLE_NOCOLOR=1 ANSIBLE_STDOUT_CALLBACK=default ANSIBLE_RETRY_FILES_ENABLED=0 \
  ANSIBLE_PYTHON_INTERPRETER=auto_silent

echo "== build and install the collection"
ansible-galaxy collection build ansible --output-path "$work/dist"
ansible-galaxy collection install -p "$work/collections" "$work/dist"/apim_offset-wso2-*.tar.gz
ansible-galaxy collection list -p "$work/collections" >"$work/list.txt"
grep -q '^apim_offset\.wso2 ' "$work/list.txt"

echo "== ansible-doc renders the module"
ansible-doc apim_offset.wso2.port_offset >"$work/doc.txt"
for word in offset home file product backup shift_literals template keep_placeholder strict binary \
  EXAMPLES 'RETURN VALUES' offset_before offset_after; do
  grep -q -- "$word" "$work/doc.txt" || { echo "ansible-doc does not show $word" >&2; cat "$work/doc.txt"; exit 1; }
done

echo "== validate-modules: the module's documentation, argument spec and return values"
# As ansible-test sanity --test validate-modules runs it, on the installed
# collection. Every error fails but one: missing-gplv3-license, since the
# collection is Apache-2.0 (GPLv3-compatible), as the tool is.
sanity=$(/usr/bin/python3 -c 'import ansible_test, os; print(os.path.dirname(ansible_test.__file__))')/_util/controller/sanity
(cd "$work/collections/ansible_collections/apim_offset/wso2" &&
  ANSIBLE_COLLECTIONS_PATH="$work/collections" /usr/bin/python3 "$sanity/validate-modules/validate.py" --format json --arg-spec \
    --collection ansible_collections/apim_offset/wso2 --collection-version "$(sed -n 's/^version: //p' galaxy.yml)" \
    plugins/modules/port_offset.py) >"$work/validate.json" || true
/usr/bin/python3 - "$work/validate.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))["plugins/modules/port_offset.py"]
codes = [e["code"] for e in report["errors"]]
assert codes == ["missing-gplv3-license"], report
assert not report["warnings"] and not report["traces"], report
print("validate-modules: no errors but missing-gplv3-license (the collection is Apache-2.0), no warnings")
PY
ansible-doc --json apim_offset.wso2.port_offset >"$work/doc.json"
/usr/bin/python3 - "$work/doc.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))["apim_offset.wso2.port_offset"]
d = doc["doc"]
assert d["author"] == ["apim-offset developers (@apim-offset)"], d["author"]
assert d["requirements"], "no requirements"
for name, attr in d["attributes"].items():
    assert attr.get("description"), ("attribute without description", name)
assert "msg" in doc["return"] and "files" in doc["return"] and "results" not in doc["return"], sorted(doc["return"])
print("ansible-doc --json:", ", ".join(sorted(d["attributes"])), "attributes described;", len(doc["return"]), "return values")
PY

go build -o "$work/bin/apim-offset" ./cmd/apim-offset
inventory="$work/fleet.ini"
{
  echo "[fleet]"
  for n in 1 2 3; do
    mkdir -p "$work/homes"
    cp -r fixtures/sample-home "$work/homes/apim$n"
    # The sample's gateway URLs keep literal ports: one warning on a change.
    echo "apim$n wso2_home=$work/homes/apim$n wso2_port_offset=$n wso2_change_warnings=1"
  done
  echo "[fleet:vars]"
  echo "ansible_connection=local"
} >"$inventory"
conf() { echo "$work/homes/$1/repository/conf/deployment.toml"; }

# play LOG ARGS...: ansible-playbook (ansible/tests/playbook.yml unless
# playbook says which) with the tool on PATH (unless tool_dir says where
# else), its output in $work/LOG; exits as ansible-playbook does.
play() {
  local log=$work/$1
  shift
  PATH="${tool_dir-$work/bin}:$PATH" ansible-playbook "$@" "${playbook-ansible/tests/playbook.yml}" >"$log" 2>&1
}
# run LOG ARGS...: play, which must succeed; its output when it does not.
run() { play "$@" || { cat "$work/$1"; echo "ansible-playbook failed ($1)" >&2; exit 1; }; }
# recap LOG: the recap lines, one space between fields.
recap() { sed -n '/^PLAY RECAP/,$p' "$work/$1" | grep -E '^[^ ]+ +: ok=' | sed -E 's/ +/ /g'; }
# expect_changed LOG N: each of apim1..3 has changed=N and failed=0.
expect_changed() {
  local host line
  for host in apim1 apim2 apim3; do
    line=$(recap "$1" | grep "^$host :") || { echo "no recap line for $host" >&2; exit 1; }
    if ! [[ $line =~ changed=([0-9]+) ]] || [ "${BASH_REMATCH[1]}" != "$2" ]; then
      echo "$host: want changed=$2: $line" >&2
      exit 1
    fi
    [[ $line =~ failed=0 ]] || { echo "$host failed: $line" >&2; exit 1; }
  done
}
sums() { sha256sum "$(conf apim1)" "$(conf apim2)" "$(conf apim3)"; }
sums >"$work/before.sum"

echo "== examples/ansible/playbook.yml in check mode: three would change, nothing written"
playbook=examples/ansible/playbook.yml run example.log -i "$inventory" --check
expect_changed example.log 1
grep -F 'offset 0 -> 2 (uncommented); 9443 is now 9445' "$work/example.log"
sums | cmp - "$work/before.sum"

echo "== --check --diff: three diffs, nothing written"
run check.log -i "$inventory" --check --diff
diffs=$(grep -c '^+offset=[123]$' "$work/check.log") || true
[ "$diffs" = 3 ] || { cat "$work/check.log"; echo "want 3 diffs, got $diffs" >&2; exit 1; }
for n in 1 2 3; do grep -q "^--- a/.*/homes/apim$n/repository/conf/deployment.toml\$" "$work/check.log"; done
expect_changed check.log 1
sums | cmp - "$work/before.sum"
if ls "$work"/homes/*/repository/conf/*.bak 2>/dev/null; then echo "check mode made a backup" >&2; exit 1; fi
recap check.log
sed -n '/^TASK \[Set the port offset\]/,/^TASK/p' "$work/check.log" | sed -n '/^--- a\/.*apim1/,/^changed/p'

echo "== first run: three changed"
run first.log -i "$inventory"
expect_changed first.log 1
if grep -q '^+offset=' "$work/first.log"; then echo "a diff without --diff" >&2; exit 1; fi
for n in 1 2 3; do
  grep -q "^offset=$n\$" "$(conf apim$n)"
  grep -q "^#offset=0\$" "$(conf apim$n).bak"
done
recap first.log

echo "== second run: none changed"
run second.log -i "$inventory"
expect_changed second.log 0
recap second.log

# fails LOG TEXT ARGS...: the play fails, and its output has TEXT.
fails() {
  local log=$1 text=$2
  shift 2
  if play "$log" "$@"; then echo "the play did not fail ($log)" >&2; exit 1; fi
  grep -qF -- "$text" "$work/$log" || { cat "$work/$log"; echo "no \"$text\" in $log" >&2; exit 1; }
  grep -o '"msg": "[^"]*"' "$work/$log"
}

echo "== a home with a duplicate key: the tool's error and hint"
cp -r fixtures/sample-home "$work/homes/broken"
sed -i 's/^\[server\]$/[server]\nhostname = "duplicate"/' "$(conf broken)"
cp "$(conf broken)" "$work/broken.toml"
printf '[errors]\nbroken wso2_home=%s wso2_port_offset=4 ansible_connection=local\n' "$work/homes/broken" >"$work/broken.ini"
fails broken.log 'apim-offset failed: '"$(conf broken)"':3:1: key hostname is already defined (hint: TOML allows each key and table once' \
  -i "$work/broken.ini"
cmp "$(conf broken)" "$work/broken.toml"

echo "== a warning of the tool is an Ansible warning; strict: true refuses the file"
cp -r fixtures/sample-home "$work/homes/bom"
sed -i '1s/^/\xef\xbb\xbf/' "$(conf bom)"
cp "$(conf bom)" "$work/bom.toml"
printf '[warns]\nbom wso2_home=%s wso2_port_offset=5 wso2_warnings=1 wso2_change_warnings=1 ansible_connection=local\n' "$work/homes/bom" >"$work/bom.ini"
fails bom-strict.log 'apim-offset failed: '"$(conf bom)"':1:1: the file starts with a UTF-8 byte order mark' \
  -i "$work/bom.ini" -e apim_offset_strict=true
cmp "$(conf bom)" "$work/bom.toml"
run bom.log -i "$work/bom.ini"
grep -A2 '^\[WARNING\]: ' "$work/bom.log"
tr '\n' ' ' <"$work/bom.log" | tr -s ' ' | grep -qF "[WARNING]: $(conf bom):1:1: the file starts with a UTF-8 byte order mark"
grep -q '^offset=5$' "$(conf bom)"

# adhoc LOG ARGS: the module run once with ansible (ad hoc) on localhost.
adhoc() {
  local log=$work/$1
  shift
  PATH="$work/bin:$PATH" ansible localhost -o -c local -m apim_offset.wso2.port_offset -a "$*" >"$log" 2>&1
}
echo "== file: with product and template=false, ad hoc"
cp fixtures/sample-home/repository/conf/deployment.toml "$work/loose.toml"
adhoc loose.log "file=$work/loose.toml product=apim-4 offset=9 template=false shift_literals=true" ||
  { cat "$work/loose.log"; exit 1; }
grep -oF '"cmd": ["'"$work/bin/apim-offset"'","set","9","--file","'"$work/loose.toml"'","--json","--product","apim-4","--shift-literals","--template=false","--yes"]' "$work/loose.log" ||
  { cat "$work/loose.log"; exit 1; }
grep -q '"offset_after": 9,' "$work/loose.log"
grep -q '^ws_endpoint = "ws://localhost:9108"$' "$work/loose.toml"
grep -q '^offset=9$' "$work/loose.toml"
echo "== home and file together: Ansible refuses"
if adhoc both.log "home=$work/homes/apim1 file=$work/loose.toml offset=1"; then echo "home and file were taken together" >&2; exit 1; fi
grep -o 'parameters are mutually exclusive: home|file' "$work/both.log"

echo "== no apim-offset on PATH"
tool_dir=$work/empty fails nopath.log 'apim-offset not found: no apim-offset on the managed host' -i "$inventory" -l apim1
echo "== binary: a path that does not exist"
fails nobin.log "apim-offset not found: $work/none is not an executable file" -i "$inventory" -l apim1 -e "apim_offset_bin=$work/none"

echo "== a loop with --diff: each item's diff and msg"
mkdir "$work/loop"
for n in 1 2; do cp -r fixtures/sample-home "$work/loop/apim$n"; done
homes='["'$work/loop/apim1'","'$work/loop/apim2'"]'
playbook=ansible/tests/loop.yml run loop.log -i localhost, -c local --diff -e "{\"apim_homes\": $homes}"
for n in 1 2; do
  grep -q "^--- a/.*/loop/apim$n/repository/conf/deployment.toml\$" "$work/loop.log" || { cat "$work/loop.log"; echo "no diff for apim$n in the loop" >&2; exit 1; }
  grep -q "^offset=$n\$" "$work/loop/apim$n/repository/conf/deployment.toml"
done
grep -c '^+offset=[12]$' "$work/loop.log" | grep -qx 2
playbook=ansible/tests/loop.yml run loop2.log -i localhost, -c local --diff -e "{\"apim_homes\": $homes}"
if grep -q '^+offset=' "$work/loop2.log"; then echo "a diff on the second run" >&2; exit 1; fi

echo "== a pattern that partly fails: failed, changed, the others written"
mkdir "$work/glob"
for n in 1 2 3; do cp -r fixtures/sample-home "$work/glob/apim$n"; done
sed -i 's/^\[server\]$/[server]\nhostname = "duplicate"/' "$work/glob/apim2/repository/conf/deployment.toml"
cp "$work/glob/apim2/repository/conf/deployment.toml" "$work/glob2.toml"
playbook=ansible/tests/glob.yml run glob.log -i localhost, -c local -e "apim_pattern=$work/glob/apim*"
grep -q '^offset=6$' "$work/glob/apim1/repository/conf/deployment.toml"
grep -q '^offset=6$' "$work/glob/apim3/repository/conf/deployment.toml"
cmp "$work/glob/apim2/repository/conf/deployment.toml" "$work/glob2.toml"
grep -E '^localhost +: ' "$work/glob.log"
grep -Eq '^localhost +: ok=2 +changed=1 .*failed=0 .*ignored=1' "$work/glob.log" || { cat "$work/glob.log"; exit 1; }

echo "== warnings from the tool's findings, else from its warnings"
# A stand-in for the tool that prints what apim-offset set --json prints for
# an unchanged file, with findings when FINDINGS is set.
cat >"$work/bin/fake-apim-offset" <<'FAKE'
#!/bin/sh
findings=
[ -n "$FINDINGS" ] && findings=',"findings":[{"code":"bom","severity":"warning","file":"/f/deployment.toml","line":1,"column":1,"message":"the file starts with a UTF-8 byte order mark","fix":"save it as UTF-8 without one"},{"code":"literal-port","severity":"note","file":"/f/deployment.toml","line":9,"column":5,"message":"a note, not a warning","fix":""}]'
printf '{"file":"/f/deployment.toml","product":"apim-4","changed":false,"applied":false,"from":2,"from_source":"set","to":2,"action":"unchanged","line":3,"diff":"","warnings":["1:1: the older warning"]%s}\n' "$findings"
FAKE
chmod +x "$work/bin/fake-apim-offset"
# Ad hoc (-o) prints the result as one line of JSON: its warnings are the
# Ansible warnings, exactly.
FINDINGS=1 adhoc findings.log "file=$work/loose.toml offset=2 binary=$work/bin/fake-apim-offset" || { cat "$work/findings.log"; exit 1; }
grep -oF '"tool_warnings": ["/f/deployment.toml:1:1: the file starts with a UTF-8 byte order mark [bom] (fix: save it as UTF-8 without one)"],"warnings": ["/f/deployment.toml:1:1: the file starts with a UTF-8 byte order mark [bom] (fix: save it as UTF-8 without one)"]}' "$work/findings.log" ||
  { cat "$work/findings.log"; echo "want the finding, and only it, as the warning" >&2; exit 1; }
grep -qF '"msg": "already 2"' "$work/findings.log"
FINDINGS='' adhoc warnings.log "file=$work/loose.toml offset=2 binary=$work/bin/fake-apim-offset" || { cat "$work/warnings.log"; exit 1; }
grep -oF '"tool_warnings": ["/f/deployment.toml:1:1: the older warning"],"warnings": ["/f/deployment.toml:1:1: the older warning"]}' "$work/warnings.log" ||
  { cat "$work/warnings.log"; echo "want the older warning" >&2; exit 1; }
echo "ok"
