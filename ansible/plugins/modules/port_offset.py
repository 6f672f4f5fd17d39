#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: apim-offset developers
# SPDX-License-Identifier: Apache-2.0 (see LICENSE; Apache-2.0 is GPLv3-compatible)
#
# The port_offset module runs "apim-offset set N --json" on the managed host
# and turns its JSON into Ansible's result: the tool decides what changes and
# writes the file; this module only chooses the flags and reads the answer.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: port_offset
short_description: Set the port offset of a WSO2 server with apim-offset
version_added: 0.1.0
description:
  - Sets C([server] offset) in the C(deployment.toml) of a WSO2 API Manager, Identity Server or
    Micro Integrator by running C(apim-offset set) on the managed host. Every port of the server
    moves up by the offset (9443 becomes 9445 at offset 2).
  - Only the bytes that must change are changed; comments, line endings and the rest of the file
    stay as they are. The file is replaced in one step, keeping its owner, group and mode.
  - The task is changed only when the file did not have the offset. A second run with the same
    offset changes nothing.
  - The C(apim-offset) command must be installed on the managed host (see I(requirements)).
  - Warnings of the tool (for example a file that WSO2's own parser refuses) are shown as Ansible
    warnings.
requirements:
  - The C(apim-offset) command on the managed host, from its deb or rpm package, or built from a
    clone of its repository with C(go install ./cmd/apim-offset); I(binary) names it when it is not
    on C(PATH).
options:
  offset:
    description:
      - The port offset to set, from 0 to the largest the product takes (54424 for API Manager).
    type: int
    required: true
  home:
    description:
      - The server's home folder, the one that holds C(bin/) and C(repository/conf/); the file is
        C(HOME/repository/conf/deployment.toml), or C(HOME/conf/deployment.toml) for Micro
        Integrator. The product is told by the start script in C(HOME/bin).
      - Exactly one of I(home) and I(file) is given.
    type: path
  file:
    description:
      - The C(deployment.toml) itself, for a file outside a WSO2 home (a template, a mounted
        configuration). Give I(product) when the file's folder does not tell it.
      - Exactly one of I(home) and I(file) is given.
    type: path
  product:
    description:
      - The product, when the home does not tell it. It sets the largest offset taken and, for
        C(mi), where the file is and the default offset (10).
    type: str
    choices:
      - apim-4
      - apim-4-control-plane
      - apim-4-gateway
      - apim-4-traffic-manager
      - apim-4-key-manager
      - apim-3
      - is
      - mi
  backup:
    description:
      - Keep the old file as C(deployment.toml.bak) (C(deployment.toml.bak.TIME) when that exists)
        when it changes. The path is returned in I(backup).
    type: bool
    default: false
  shift_literals:
    description:
      - Also move the default ports written in URLs to this server (C(ws://localhost:9099)) to the
        new offset.
    type: bool
    default: false
  template:
    description:
      - C(true) reads the file as a Helm, Jinja or ERB template; C(false) reads it as plain TOML.
      - Unset, the tool decides by the file's markup.
    type: bool
  keep_placeholder:
    description:
      - In a template, leave an offset that is a placeholder (C({{ .Values.portOffset }})) as it is.
    type: bool
    default: false
  strict:
    description:
      - Fail on a file that holds what WSO2's own TOML parser will not take (a byte order mark, TOML
        1.0 features, a sub-table before its table), instead of writing it with a warning.
    type: bool
    default: false
  binary:
    description:
      - The apim-offset command on the managed host, a name looked up on C(PATH) (and in the usual
        C(sbin) folders) or a path.
    type: str
    default: apim-offset
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details: Runs C(apim-offset set --check --json), which writes nothing; I(changed) is what a real run would do.
  diff_mode:
    support: full
    details: The tool's unified diff, with the values of secret keys (passwords, tokens) masked.
  platform:
    platforms: posix
    details: Linux and macOS hosts, where the apim-offset command runs.
notes:
  - The module runs C(apim-offset set N --json --yes) (C(--check --json) in check mode). Exit code 2
    of the tool fails the task with the tool's error and hint in I(msg).
  - A home given as a quoted pattern (C(/opt/wso2am-*)) is expanded by the tool; then I(files)
    holds one entry for each file and the single-file return values are left out. When some files
    were written before another failed, the failed task still says I(changed=true).
  - The tool's warnings come from its I(findings) (code, severity, position, message and fix) when
    it gives them, else from its I(warnings).
seealso:
  - name: apim-offset
    description: The command this module runs, its JSON output and exit codes.
    link: https://github.com/apim-offset/apim-offset
author:
  - apim-offset developers (@apim-offset)
"""

EXAMPLES = r"""
- name: Set the port offset of API Manager to 2 (9443 becomes 9445)
  apim_offset.wso2.port_offset:
    home: /opt/wso2am-4.5.0
    offset: 2
    backup: true

- name: One offset per host, from the inventory
  apim_offset.wso2.port_offset:
    home: "{{ wso2_home }}"
    offset: "{{ wso2_port_offset }}"
  register: offset
  notify: restart wso2

- name: A Micro Integrator's file in a configuration repository, with a tool outside PATH
  apim_offset.wso2.port_offset:
    file: /srv/config/mi/deployment.toml
    product: mi
    offset: 5
    binary: /usr/local/bin/apim-offset
  delegate_to: localhost

- name: Say what moved
  ansible.builtin.debug:
    msg: "offset {{ offset.offset_before }} -> {{ offset.offset_after }} ({{ offset.action }})"
  when: offset is changed
"""

RETURN = r"""
changed:
  description:
    - Whether the file did not have the offset (in check mode, whether it would change).
    - On a failed task, whether any file was written before the failure.
  returned: always
  type: bool
msg:
  description: What was done to each file, or the tool's error and hint.
  returned: always
  type: str
  sample: offset 0 -> 2 written
offset_before:
  description: The offset the server used before; the product's default when it was commented out or absent; null for a placeholder.
  returned: success, one file
  type: int
  sample: 0
offset_after:
  description: The offset the file has now (or would have, in check mode).
  returned: success, one file
  type: int
  sample: 2
offset_source:
  description: Where I(offset_before) came from.
  returned: success, one file
  type: str
  choices: [set, commented, absent, placeholder]
  sample: commented
action:
  description: What was done to the file.
  returned: success, one file
  type: str
  choices: [unchanged, replaced, uncommented, inserted, added-table]
  sample: uncommented
line:
  description: The offset's line in the new file.
  returned: success, one file
  type: int
  sample: 3
file:
  description: The deployment.toml the module worked on.
  returned: success, one file
  type: str
  sample: /opt/wso2am-4.5.0/repository/conf/deployment.toml
home:
  description: The home the file belongs to.
  returned: success, one file in a home
  type: str
  sample: /opt/wso2am-4.5.0
product:
  description: The product, as the tool told it or as given.
  returned: success, one file
  type: str
  sample: apim-4
backup:
  description: The backup of the old file, with I(backup) when the file changed.
  returned: when a backup was made
  type: str
  sample: /opt/wso2am-4.5.0/repository/conf/deployment.toml.bak
in_place:
  description: The file could not be replaced (a bind mount) and was rewritten in place.
  returned: success, one file
  type: bool
tool_warnings:
  description: The tool's warnings, also given as Ansible warnings, each C(FILE:LINE:COLUMN), the message and its code in brackets.
  returned: success
  type: list
  elements: str
files:
  description:
    - The tool's JSON object for each file, as it printed it (an error's object has I(error) and I(hint)).
    - Named C(files), not C(results), which Ansible keeps for the results of a loop.
  returned: always
  type: list
  elements: dict
cmd:
  description: The command the module ran.
  returned: always
  type: list
  elements: str
  sample: [apim-offset, set, "2", --home, /opt/wso2am-4.5.0, --json, --yes]
"""

import json
import os
import re

from ansible.module_utils.basic import AnsibleModule


def find_binary(module, binary):
    """The tool's path, or a failed task saying where it was looked for."""
    if os.sep in binary:
        if os.path.isfile(binary) and os.access(binary, os.X_OK):
            return binary
        module.fail_json(
            msg="apim-offset not found: %s is not an executable file; install apim-offset on the "
            "managed host or set binary to its path" % binary,
            binary=binary,
        )
    path = module.get_bin_path(binary, required=False)
    if path is None:
        module.fail_json(
            msg="apim-offset not found: no %s on the managed host's PATH (%s); install it (the deb "
            "or rpm package, or go install ./cmd/apim-offset in a clone of "
            "https://github.com/apim-offset/apim-offset) "
            "or set binary to its path" % (binary, os.environ.get("PATH", "")),
            binary=binary,
        )
    return path


def build_command(module, path):
    """apim-offset set N --home|--file X --json, then the flags the options ask for."""
    p = module.params
    cmd = [path, "set", str(p["offset"])]
    if p["home"] is not None:
        cmd += ["--home", p["home"]]
    else:
        cmd += ["--file", p["file"]]
    cmd.append("--json")
    if p["product"]:
        cmd += ["--product", p["product"]]
    for option, flag in (
        ("backup", "--backup"),
        ("shift_literals", "--shift-literals"),
        ("keep_placeholder", "--keep-placeholder"),
        ("strict", "--strict"),
    ):
        if p[option]:
            cmd.append(flag)
    if p["template"] is not None:
        cmd.append("--template" if p["template"] else "--template=false")
    # --check writes nothing and exits 1 when the file would change; --yes
    # is needed to write without a terminal.
    cmd.append("--check" if module.check_mode else "--yes")
    return cmd


def parse_lines(stdout):
    """The JSON objects the tool printed, one a line; None when a line is not JSON."""
    objects = []
    for line in stdout.splitlines():
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError:
            return None
        if not isinstance(obj, dict):
            return None
        objects.append(obj)
    return objects


def error_message(obj):
    """The tool's error and its hint, as one message."""
    msg = obj["error"]
    if obj.get("hint"):
        msg += " (hint: %s)" % obj["hint"]
    return msg


def warning_text(obj, warning):
    """A tool warning with its file: "FILE:LINE:COL: ..." when it has a position."""
    name = obj.get("file")
    if not name:
        return warning
    if re.match(r"^\d+:\d+: ", warning):
        return "%s:%s" % (name, warning)
    return "%s: %s" % (name, warning)


def finding_text(obj, finding):
    """A finding as a warning: "FILE:LINE:COL: message [code]", and its fix. A finding
    that comes from elsewhere than a file (JAVA_OPTS, a process) names its source."""
    if finding.get("file"):
        where = finding["file"]
        for key in ("line", "column"):
            if finding.get(key):
                where += ":%s" % finding[key]
    else:
        where = finding.get("source") or obj.get("file") or ""
    text = finding.get("message") or ""
    if where:
        text = "%s: %s" % (where, text)
    if finding.get("code"):
        text += " [%s]" % finding["code"]
    if finding.get("fix"):
        text += " (fix: %s)" % finding["fix"]
    return text


def tool_warnings(obj):
    """The warnings the tool gives for one file: its findings of severity warning or error when
    its JSON has findings, else its warnings (the older form, which the tool keeps for a while)."""
    if obj.get("findings") is not None:
        return [
            finding_text(obj, f)
            for f in obj["findings"]
            if isinstance(f, dict) and str(f.get("severity", "warning")).lower() in ("warning", "error")
        ]
    return [warning_text(obj, w) for w in obj.get("warnings") or []]


def was_written(obj, check_mode):
    """Whether the tool wrote this file: "applied" when it says so, else changed outside check mode."""
    if "error" in obj:
        return False
    if "applied" in obj:
        return bool(obj["applied"])
    return bool(obj.get("changed")) and not check_mode


def outcome(obj, check_mode):
    """What happened to one file, in words: "offset 0 -> 2 written", "already 2"."""
    if "error" in obj:
        return error_message(obj)
    before = obj.get("from")
    if before is None:
        before = obj.get("from_source") or "none"
    if not obj.get("changed"):
        return "already %s" % obj.get("to")
    return "offset %s -> %s %s" % (before, obj.get("to"), "would be written" if check_mode else "written")


def summary(objects, check_mode):
    """The task's msg: the outcome, with each file named when there are several."""
    if len(objects) == 1:
        return outcome(objects[0], check_mode)
    return "; ".join("%s: %s" % (o.get("file", "?"), outcome(o, check_mode)) for o in objects)


def diffs(objects):
    """Ansible's diff list: the tool's diff for each file that changed (or would)."""
    return [
        dict(before_header=o["file"], after_header=o["file"], prepared=o["diff"])
        for o in objects
        if "error" not in o and o.get("changed") and o.get("diff")
    ]


def main():
    module = AnsibleModule(
        argument_spec=dict(
            offset=dict(type="int", required=True),
            home=dict(type="path"),
            file=dict(type="path"),
            product=dict(
                type="str",
                choices=[
                    "apim-4",
                    "apim-4-control-plane",
                    "apim-4-gateway",
                    "apim-4-traffic-manager",
                    "apim-4-key-manager",
                    "apim-3",
                    "is",
                    "mi",
                ],
            ),
            backup=dict(type="bool", default=False),
            shift_literals=dict(type="bool", default=False),
            template=dict(type="bool"),
            keep_placeholder=dict(type="bool", default=False),
            strict=dict(type="bool", default=False),
            binary=dict(type="str", default="apim-offset"),
        ),
        mutually_exclusive=[("home", "file")],
        required_one_of=[("home", "file")],
        supports_check_mode=True,
    )

    path = find_binary(module, module.params["binary"])
    cmd = build_command(module, path)
    rc, stdout, stderr = module.run_command(cmd, check_rc=False)
    objects = parse_lines(stdout)

    # Exit codes: 0 done or already so; 1 --check would change; 2 error.
    expected = rc == 0 or (rc == 1 and module.check_mode)
    if objects is None or (not objects and expected):
        module.fail_json(
            msg="%s printed no JSON (exit code %d): is it apim-offset? %s"
            % (cmd[0], rc, stderr.strip()),
            cmd=cmd,
            rc=rc,
            stdout=stdout,
            stderr=stderr,
        )

    errors = [o for o in objects if "error" in o]
    if errors or not expected:
        # The files written before the failure stay written: the task says so.
        written = any(was_written(o, module.check_mode) for o in objects)
        msgs = [error_message(o) for o in errors]
        if not msgs:
            msgs = [stderr.strip() or "exit code %d" % rc]
        failed = dict(
            msg="apim-offset failed: " + "; ".join(msgs),
            changed=written,
            cmd=cmd,
            rc=rc,
            files=objects,
            stderr=stderr,
        )
        if module._diff and written:
            failed["diff"] = diffs([o for o in objects if was_written(o, module.check_mode)])
        module.fail_json(**failed)

    warnings = []
    for obj in objects:
        for text in tool_warnings(obj):
            warnings.append(text)
            module.warn(text)

    changed = any(o.get("changed") for o in objects)
    result = dict(
        changed=changed,
        msg=summary(objects, module.check_mode),
        cmd=cmd,
        files=objects,
        tool_warnings=warnings,
    )
    if len(objects) == 1:
        obj = objects[0]
        result.update(
            offset_before=obj.get("from"),
            offset_after=obj.get("to"),
            offset_source=obj.get("from_source"),
            action=obj.get("action"),
            line=obj.get("line"),
            file=obj.get("file"),
            product=obj.get("product"),
            in_place=bool(obj.get("in_place")),
        )
        for key in ("home", "backup"):
            if obj.get(key):
                result[key] = obj[key]

    if module._diff and changed:
        result["diff"] = diffs(objects)

    module.exit_json(**result)


if __name__ == "__main__":
    main()
