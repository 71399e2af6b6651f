#!/usr/bin/env python3
"""Prints each failed test of the given TRX files with the first lines of its message.

test.sh calls it just before its summary line, so the tail of a CI log (often all that is
kept) names what failed, not only how many.
"""
import sys
import xml.etree.ElementTree as ET

NS = "{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}"

for path in sys.argv[1:]:
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as error:
        print(f"FAILED? {path}: unreadable ({error})")
        continue
    for result in root.iter(NS + "UnitTestResult"):
        if result.get("outcome") != "Failed":
            continue
        message = result.findtext(f"{NS}Output/{NS}ErrorInfo/{NS}Message") or ""
        lines = [line for line in message.strip().splitlines() if line.strip()][:6]
        print(f"FAILED {result.get('testName')} ({result.get('duration')})")
        for line in lines:
            print(f"    {line[:300]}")
