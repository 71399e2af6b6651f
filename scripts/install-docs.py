#!/usr/bin/env python3
"""Installs markdown documents flat into one directory (the package's /usr/share/doc/edgelstm/) with
their links still working there: the documents given with --follow, and every document under docs/
they link to, transitively; the other documents given as they are. In each installed copy a
relative link to another installed document points to it beside it (README's docs/operations.md
becomes operations.md), and a relative link to anything else in the repository (a firmware README,
a document not installed) becomes an absolute link to that file in the source at URL. Prints the
installed files' names, one a line.

Usage: scripts/install-docs.py --dest DIR --url URL [--follow DOC]... [DOC]...
       (run from the repository root; URL is the source tree of this version, e.g. .../blob/v0.1.0)
"""
import argparse
import os
import re
import sys

LINK = re.compile(r"\]\(([^)\s]+)\)")


def local(target):
    """A link that names a file of the repository (not a URL, not an anchor of the same page)."""
    return not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target) and not target.startswith("#")


def links(path):
    """The repository paths a document links to, each with the anchor, if any."""
    base = os.path.dirname(path)
    for target in LINK.findall(open(path, encoding="utf-8").read()):
        if local(target):
            file, _, anchor = target.partition("#")
            yield os.path.normpath(os.path.join(base, file)), anchor


def main():
    parser = argparse.ArgumentParser(description="Install markdown documents flat, links kept working.")
    parser.add_argument("--dest", required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--follow", action="append", default=[])
    parser.add_argument("docs", nargs="*")
    args = parser.parse_args()

    installed = [os.path.normpath(d) for d in args.docs]
    todo = [os.path.normpath(d) for d in args.follow]
    while todo:  # the closure of --follow over links to markdown documents under docs/
        doc = todo.pop(0)
        if doc in installed:
            continue
        installed.append(doc)
        for target, _ in links(doc):
            if target.startswith("docs/") and target.endswith(".md") and os.path.isfile(target):
                todo.append(target)

    names = {}
    for doc in installed:
        if not os.path.isfile(doc):
            sys.exit(f"install-docs.py: {doc} does not exist")
        name = os.path.basename(doc)
        if name in names:
            sys.exit(f"install-docs.py: {doc} and {names[name]} would both be installed as {name}")
        names[name] = doc

    os.makedirs(args.dest, exist_ok=True)
    for name, doc in sorted(names.items()):
        base = os.path.dirname(doc)

        def rewrite(m):
            target = m.group(1)
            if not local(target):
                return m.group(0)
            file, hash_, anchor = target.partition("#")
            repo_path = os.path.normpath(os.path.join(base, file))
            if not os.path.exists(repo_path):
                sys.exit(f"install-docs.py: {doc} links to {target}, which does not exist")
            if repo_path in installed:
                new = os.path.basename(repo_path)
            else:
                new = args.url.rstrip("/") + "/" + repo_path
            return "](" + new + hash_ + anchor + ")"

        text = LINK.sub(rewrite, open(doc, encoding="utf-8").read())
        with open(os.path.join(args.dest, name), "w", encoding="utf-8") as out:
            out.write(text)
        print(name)


if __name__ == "__main__":
    main()
