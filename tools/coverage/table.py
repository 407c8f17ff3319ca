#!/usr/bin/python3
"""Per-directory line coverage from an lcov .info file, as a markdown table.

Files are grouped as libs/<lib>, gateway/src/<dir> (a file directly in gateway/src is a group of
its own) and services/<service>; any other file is left out. A line counts once per file even
when several records (several binaries) list it: hit if any of them hit it. Percentages are
rounded down, so a directory shown at 85.0% really is at 85% or more.

    table.py [--root REPO] coverage.info
"""
import argparse
import os
import sys


def read_lines(info_path):
    """{source path: {line number: hit count summed over records}} from the DA: records."""
    files = {}
    current = None
    with open(info_path, encoding="utf-8") as info:
        for raw in info:
            line = raw.strip()
            if line.startswith("SF:"):
                current = files.setdefault(line[3:], {})
            elif line.startswith("DA:") and current is not None:
                number, count = line[3:].split(",")[:2]
                current[int(number)] = current.get(int(number), 0) + int(count)
            elif line == "end_of_record":
                current = None
    return files


def group_of(relative):
    """The table row a repository-relative path belongs to, or None."""
    parts = relative.split("/")
    if len(parts) >= 3 and parts[0] in ("libs", "services"):
        return "/".join(parts[:2])
    if len(parts) >= 3 and parts[:2] == ["gateway", "src"]:
        return "/".join(parts[:3])
    return None


def summarize(files, root):
    """{group: [lines hit, lines total]}."""
    groups = {}
    for path, lines in files.items():
        relative = os.path.relpath(path, root) if os.path.isabs(path) else path
        group = group_of(relative.replace(os.sep, "/"))
        if group is None:
            continue
        counts = groups.setdefault(group, [0, 0])
        counts[0] += sum(1 for hits in lines.values() if hits > 0)
        counts[1] += len(lines)
    return groups


def percent(hit, total):
    """One decimal, rounded down; 100.0 for a group without instrumented lines."""
    if total == 0:
        return "100.0"
    tenths = hit * 1000 // total
    return f"{tenths // 10}.{tenths % 10}"


def render(groups):
    rows = ["| directory | lines hit | lines | % |", "|---|---:|---:|---:|"]
    for group in sorted(groups):
        hit, total = groups[group]
        rows.append(f"| {group} | {hit} | {total} | {percent(hit, total)} |")
    hit = sum(counts[0] for counts in groups.values())
    total = sum(counts[1] for counts in groups.values())
    rows.append(f"| **total** | {hit} | {total} | {percent(hit, total)} |")
    return "\n".join(rows) + "\n"


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("info", help="the lcov tracefile")
    parser.add_argument("--root", default=os.getcwd(), help="the repository (default: .)")
    args = parser.parse_args(argv)
    sys.stdout.write(render(summarize(read_lines(args.info), os.path.abspath(args.root))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
