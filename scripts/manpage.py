#!/usr/bin/env python3
"""Writes the manual page edgelstm(1), in roff (man macros), generated from the built executable's
help: `edgelstm --help` and `edgelstm COMMAND [SUBCOMMAND] --help` give NAME, SYNOPSIS and the
COMMANDS section with every command's arguments and options; the exit codes come from
src/EdgeLstm.Cli/Infrastructure/ExitCodes.cs; FILES, ENVIRONMENT and SEE ALSO are written here.
scripts/package.sh runs it at package time against the binary it packages (the arm64 binary
under qemu-aarch64).

Usage: scripts/manpage.py --version VERSION --date YYYY-MM-DD [--exit-codes FILE] -- COMMAND...
       (COMMAND... runs the executable, e.g. dist/linux-x64/edgelstm, or qemu-aarch64 dist/linux-arm64/edgelstm)
"""
import argparse
import os
import re
import subprocess
import sys

SECTION = re.compile(r"^(\S[^:]*):\s*$")


def run_help(command, words):
    """The help text of `edgelstm WORDS --help`, as the sections it has: {name: [lines]}."""
    env = dict(os.environ, COLUMNS="500", DOTNET_CLI_UI_LANGUAGE="en")
    result = subprocess.run(command + words + ["--help"], capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        sys.exit(f"manpage.py: {' '.join(command + words)} --help exited {result.returncode}: {result.stderr.strip()}")
    sections, current = {}, None
    for line in result.stdout.splitlines():
        m = SECTION.match(line)
        if m:
            current = m.group(1)
            sections[current] = []
        elif current is not None and line.strip():
            sections[current].append(line)
    for needed in ("Description", "Usage"):
        if needed not in sections:
            sys.exit(f"manpage.py: `{' '.join(words)} --help` has no {needed}: section")
    return sections


def rows(lines):
    """Two-column rows ('  first  second'), a wrapped second column joined to its row."""
    out = []
    for line in lines:
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if out and indent > 2:
            out[-1] = (out[-1][0], (out[-1][1] + " " + stripped).strip())
            continue
        parts = re.split(r"\s{2,}", stripped, maxsplit=1)
        out.append((parts[0], parts[1] if len(parts) > 1 else ""))
    return out


def text(s):
    """Roff-safe text: backslashes escaped, non-ASCII as \\[uXXXX], no control character at a line start."""
    s = s.replace("\\", "\\e")
    s = "".join(c if ord(c) < 128 else f"\\[u{ord(c):04X}]" for c in s)
    return "\\&" + s if s[:1] in (".", "'") else s


def dashes(s):
    """Option names and other literal dashes: minus signs (\\-), so they are copied as typed."""
    return text(s).replace("-", "\\-")


def choices(s):
    """A <placeholder>'s text in italics, breakable after each | of a list of choices (\\:, a zero-width break point)."""
    return "\\fI" + dashes(s).replace("|", "|\\:") + "\\fR"


def term(first):
    """An option or argument column: names in bold, <placeholders> in italics, markers in roman."""
    out = []
    for token in re.split(r"(<[^>]*>|\s+|,)", first):
        if not token:
            continue
        if token.startswith("<") and token.endswith(">"):
            out.append(choices(token[1:-1]))
        elif token.startswith("-"):
            out.append("\\fB" + dashes(token) + "\\fR")
        else:
            out.append(text(token))
    return "".join(out)


def usage(line):
    """A usage line: the program and command words in bold, <ARGS> and [options] in italics."""
    out = []
    for token in re.split(r"(<[^>]*>|\[|\]|\.\.\.|\s+)", line.strip()):
        if not token:
            continue
        if token.startswith("<") and token.endswith(">"):
            out.append(choices(token[1:-1]))
        elif token in ("options", "command"):
            out.append("\\fI" + token + "\\fR")
        elif token in ("[", "]", "...") or token.isspace():
            out.append(token)
        else:
            out.append("\\fB" + dashes(token) + "\\fR")
    return "".join(out)


def is_help(first):
    return first.replace(" ", "").split(",") == ["-?", "-h", "--help"]


def collect(command, words=()):
    """Each command of the tree under WORDS, depth first in help order: (words, sections)."""
    sections = run_help(command, list(words))
    found = [(list(words), sections)]
    for first, _ in rows(sections.get("Commands", [])):
        found += collect(command, (*words, first.split()[0]))
    return found


def default_of(sections, option):
    for first, second in rows(sections.get("Options", [])):
        if option in re.split(r"[\s,]+", first):
            m = re.search(r"\[default: ([^\]]+)\]", second)
            if m:
                return m.group(1)
    sys.exit(f"manpage.py: no default shown for {option}")


def exit_codes(path):
    """The named exit codes of ExitCodes.cs, each with what it means here (a new one must be described)."""
    meaning = {
        "Success": "Success: `run` drained after SIGTERM or SIGINT, or its finite sources ended; "
                   "`run --check` found no error (an absent serial source device is only a warning); "
                   "`status`: the service is healthy.",
        "CheckFailed": "A check that ran failed: `status`: the service runs but is unhealthy; "
                       "`eval --min-accuracy` or `onnx-test` outside their bounds.",
        "BadInput": "Bad configuration, model, argument or input, with one line per error on standard error: "
                    "`run --check` found errors, a port or the status socket `run` needs is taken, "
                    "`status`: no service answers.",
    }
    codes = re.findall(r"public const int (\w+) = (\d+);", open(path, encoding="utf-8").read())
    if not codes:
        sys.exit(f"manpage.py: no exit codes in {path}")
    for name, _ in codes:
        if name not in meaning:
            sys.exit(f"manpage.py: exit code {name} of {path} is not described in scripts/manpage.py")
    return [(int(value), meaning[name]) for name, value in codes]


def code(s):
    """`literal` spans of the texts written here in bold."""
    return re.sub(r"`([^`]+)`", lambda m: "\\fB" + re.sub(r"(?<!\\)-", r"\\-", m.group(1)) + "\\fR", s)


def main():
    parser = argparse.ArgumentParser(description="Write edgelstm(1) from the executable's help.")
    parser.add_argument("--version", required=True)
    parser.add_argument("--date", required=True)
    parser.add_argument("--exit-codes", default=os.path.join(os.path.dirname(__file__), "..", "src", "EdgeLstm.Cli", "Infrastructure", "ExitCodes.cs"))
    parser.add_argument("command", nargs="+")
    args = parser.parse_args()

    tree = collect(args.command)
    root = tree[0][1]
    summary = " ".join(root["Description"]).strip()
    name_line = re.sub(r"^EdgeLstm:\s*", "", summary).rstrip(".")
    by_words = {" ".join(w): s for w, s in tree}
    config = default_of(by_words["run"], "--config")
    socket = default_of(by_words["status"], "--socket")

    out = [
        '.\\" edgelstm(1): generated by scripts/manpage.py from the help of edgelstm ' + args.version + "; do not edit.",
        f'.TH EDGELSTM 1 {args.date} "edgelstm {text(args.version)}" "User Commands"',
        ".nh",    # no hyphenation: paths and option names stay whole
        ".ad l",  # ragged right
        ".SH NAME",
        "edgelstm \\- " + text(name_line),
        ".SH SYNOPSIS",
    ]
    leaves = [(w, s) for w, s in tree if w and "Commands" not in s]
    for i, (_, sections) in enumerate(leaves):
        if i:
            out.append(".br")
        out.append(usage(sections["Usage"][0]))
    out += [".br", usage("edgelstm --version"), ".br", usage("edgelstm [command] --help")]

    out += [
        ".SH DESCRIPTION",
        text(summary),
        ".PP",
        code("`edgelstm run` is the service: as the systemd unit edgelstm.service it reads " + text(config) +
             ", reads samples from serial ports, TCP, UDP, standard input or recordings, classifies each stream "
             "with the integer engine and writes JSON lines to standard output, MQTT, TCP, UDP or serial sinks. "
             "It tells systemd when it is ready, pings the watchdog while the pipeline moves, reloads models and "
             "stream rules on SIGHUP and drains on SIGTERM. The other commands train, quantize, import, evaluate, "
             "inspect, replay, record and benchmark models, and report on a running service."),
        ".PP",
        code("Commands that report results print JSON with `--json`. Commands that take `--model` use the "
             "model embedded in the executable without it."),
        ".SH OPTIONS",
    ]
    for first, second in rows(root.get("Options", [])):
        out += [".TP", term(first), text(second)]
    out += [".PP", "Every command takes " + term("-h, --help") + "."]

    out.append(".SH COMMANDS")
    for words, sections in tree[1:]:
        out.append('.SS "' + usage(sections["Usage"][0]).replace('"', "\\(dq") + '"')
        out.append(text(" ".join(sections["Description"]).strip()))
        if "Commands" in sections:
            out.append(".PP")
            out.append("Commands: " + ", ".join("\\fB" + dashes(" ".join(["edgelstm", *words, f.split()[0]])) + "\\fR"
                                                 for f, _ in rows(sections["Commands"])) + ".")
        for title in ("Arguments", "Options"):
            items = [(f, s) for f, s in rows(sections.get(title, [])) if not is_help(f)]
            if items:
                out += [".PP", title + ":"]
                for first, second in items:
                    out += [".TP", term(first), text(second)]

    out += [
        ".SH FILES",
        ".TP", "\\fI" + dashes(config) + "\\fR",
        "The configuration `edgelstm run` reads, JSON with comments (a conffile). The package installs a minimal one: "
        "a serial source on /dev/ttyACM0, standard output, a commented-out MQTT sink.",
        ".TP", "\\fI/usr/share/doc/edgelstm/examples/edgelstm.full.json\\fR",
        "Every option of the configuration with its default; pipeline.md beside it explains each.",
        ".TP", "\\fI/lib/systemd/system/edgelstm.service\\fR",
        "The hardened systemd unit (Type=notify, a watchdog, ExecReload sends SIGHUP).",
        ".TP", "\\fI/lib/udev/rules.d/99\\-edgelstm.rules\\fR",
        "Stable names under /dev/edgelstm/ for common USB-serial adapters.",
        ".TP", "\\fI" + dashes(socket) + "\\fR",
        "The running service's status socket, which `edgelstm status` reads.",
        ".TP", "\\fI/var/lib/edgelstm/\\fR",
        "The service's state directory (an MQTT spool file, for example).",
        ".TP", "\\fI/usr/lib/edgelstm/\\fR",
        "The executable and the native serial-port library it loads from beside it.",
        ".SH ENVIRONMENT",
        ".TP", "\\fBNOTIFY_SOCKET\\fR, \\fBWATCHDOG_USEC\\fR, \\fBWATCHDOG_PID\\fR",
        "Set by systemd: `edgelstm run` sends READY=1, STATUS=, WATCHDOG=1 and STOPPING=1 there.",
        ".TP", "\\fBRUNTIME_DIRECTORY\\fR",
        "Set by systemd: the status socket's directory when service.statusSocket is not configured.",
        ".TP", "\\fBJOURNAL_STREAM\\fR",
        "Set by systemd: log lines then start with their syslog priority, for journald.",
        ".TP", "\\fBEDGELSTM_DATASETS\\fR",
        "The directory of named datasets (`--dataset hapt`) instead of the nearest datasets/ directory.",
        ".TP", "\\fBEDGELSTM_FORCE_SCALAR\\fR",
        "1 forces the integer engine's scalar reference kernels (bit-identical results; for bisection).",
        ".SH EXIT STATUS",
    ]
    out = [code(line) if not line.startswith(".") else line for line in out]
    for value, meaning in exit_codes(args.exit_codes):
        out += [".TP", f"\\fB{value}\\fR", code(text(meaning))]
    out += [
        ".TP", "\\fB134\\fR", "The runtime aborted (an unhandled exception, or systemd's watchdog sent SIGABRT).",
        ".TP", "\\fB137\\fR, \\fB143\\fR", "Killed by SIGKILL, or by SIGTERM before the signal handlers were installed.",
        ".SH SEE ALSO",
        "\\fBsystemctl\\fR(1), \\fBjournalctl\\fR(1), \\fBsystemd.service\\fR(5), \\fBudev\\fR(7), "
        "\\fBmosquitto_sub\\fR(1)",
        ".PP",
        "/usr/share/doc/edgelstm/operations.md (installing, configuring, observing and troubleshooting the service), "
        "/usr/share/doc/edgelstm/pipeline.md (the pipeline, every configuration option and counter), "
        "/usr/share/doc/edgelstm/README.md.",
    ]
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
