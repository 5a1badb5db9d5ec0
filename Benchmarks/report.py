"""Turns the samples of one Benchmarks/run into Markdown tables of medians.

Input: a TSV of `mode  row  tool  round  value` lines. Output, on standard
output: the machine and versions, then per mode a table with the median of
each tool, the ratio porter/curl, the target and whether it is met.
"""

import argparse
import os
import platform
import re
import statistics
import subprocess
from collections import defaultdict

TOOLS = ["porter", "curl", "requests"]
MODE_TITLES = {
    "cli": "Command line (whole processes: porter, curl, python3 requests_bench.py)",
    "library": "Library (in one process: HTTPClient, libcurl, requests; timed inside)",
}
TOOL_TITLES = {
    "cli": ("porter", "curl", "requests"),
    "library": ("HTTPClient", "libcurl", "requests"),
}


def command_output(*argv):
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=30)
        return done.stdout + done.stderr
    except (OSError, subprocess.SubprocessError):
        return ""


def first_match(pattern, text, default="?"):
    match = re.search(pattern, text, re.MULTILINE)
    return match.group(1).strip() if match else default


def machine(arguments):
    cpu = first_match(r"^model name\s*:\s*(.*)$", open("/proc/cpuinfo").read())
    memory_kb = int(first_match(r"^MemTotal:\s*(\d+)", open("/proc/meminfo").read(), "0"))
    python_version = command_output(arguments.python, "-c",
                                    "import sys, requests; print(sys.version.split()[0], requests.__version__)").split()
    lines = [
        f"- date: {arguments.started}, {arguments.rounds} rounds, {arguments.duration // 60} min {arguments.duration % 60} s",
        f"- load average (1, 5, 15 min): {arguments.load} before, {arguments.load_after} after",
        f"- machine: {os.cpu_count()} cores ({cpu}), {memory_kb / 1048576:.0f} GiB, Linux {platform.release()}",
        f"- porter: {first_match(r'^(.*)$', command_output(arguments.porter, '--version'))} at {arguments.commit}, "
        f"{first_match(r'(Swift version [^ ]+)', command_output('swift', '--version'))}, release build"
        + (f" with {os.environ['SWIFT_BUILD_FLAGS']}" if os.environ.get("SWIFT_BUILD_FLAGS") else ""),
        f"- curl: {first_match(r'^(curl [^ ]+)', command_output('curl', '--version'))} "
        f"({first_match(r'(OpenSSL/[^ ]+)', command_output('curl', '--version'))}); "
        f"openssl {first_match(r'^OpenSSL ([^ ]+)', command_output('openssl', 'version'))}",
        f"- nginx: {first_match(r'nginx/([^ ]+)', command_output('/usr/sbin/nginx', '-v'))}, "
        "1 worker, sendfile, TLS 1.3 only, session tickets",
        f"- python: {python_version[0] if python_version else '?'}, "
        f"requests {python_version[1] if len(python_version) > 1 else '?'}; "
        f"{first_match(r'^(hyperfine [^ ]+)', command_output('hyperfine', '--version'))}",
    ]
    return "\n".join(lines)


def rows(arguments):
    """(row id, label, unit, kind, target text, check) in table order."""
    large = arguments.large.upper().replace("G", " GiB").replace("M", " MiB")
    result = []
    for variant in ("plain", "tls"):
        result.append((f"1-{variant}", f"1: {large} download, {variant}", "MiB/s", "ratio>=", 1.0))
    for variant in ("plain", "tls"):
        result.append((f"2-{variant}", f"2: {arguments.keepalive} GETs, one connection, {variant}", "µs/request", "ratio<=", 0.8))
    for variant in ("plain", "tls"):
        result.append((f"3-{variant}", f"3: {arguments.close} GETs, new connections, {variant}", "µs/request", "ratio<=", 1.0))
    for variant in ("plain", "tls"):
        result.append((f"4-{variant}", f"4: one small GET, cold, {variant}", "ms", "ratio<=", 1.5))
    for variant in ("plain", "tls"):
        result.append((f"5-{variant}", f"5: {arguments.parallel} × 1 MiB in parallel, {variant}", "MiB/s", "ratio>=", 1.0))
    for size in arguments.memory.split():
        label = size.upper().replace("G", " GiB").replace("M", " MiB")
        for variant in ("plain", "tls"):
            result.append((f"6-{size}-{variant}", f"6: peak RSS, {label} download, {variant}", "MiB", "plus<=", 5.0))
    for count in arguments.pairs.split():
        for variant in ("plain", "tls"):
            result.append((f"7-{count}-{variant}", f"7: {count} × -o /dev/null URL, {variant}", "µs/request", "ratio<=", 0.8))
    return result


def linearity(mode, samples, arguments):
    """Scenario 7's totals: how much longer the largest count takes than the smallest, per tool."""
    counts = arguments.pairs.split()
    if len(counts) < 2:
        return ""
    small, large = counts[0], counts[-1]
    lines = []
    for variant in ("plain", "tls"):
        for tool in ("porter", "curl"):
            a = median(samples.get((mode, f"7total-{small}-{variant}"), {}).get(tool, []))
            b = median(samples.get((mode, f"7total-{large}-{variant}"), {}).get(tool, []))
            if a and b:
                goal = " (target ≤ 4.5)" if tool == "porter" else ""
                lines.append(f"- {tool}, {variant}: {large} pairs take {b / a:.2f}× the time of {small}{goal}")
    return "\n".join(lines)


def median(values):
    numbers = [float(v) for v in values if v != "n/a"]
    return statistics.median(numbers) if numbers else None


def spread(values):
    numbers = [float(v) for v in values if v != "n/a"]
    if len(numbers) < 2:
        return ""
    middle = statistics.median(numbers)
    return f"±{(max(numbers) - min(numbers)) / 2 / middle * 100:.0f}%" if middle else ""


def number(value):
    if value is None:
        return "n/a"
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def table(mode, samples, arguments):
    titles = TOOL_TITLES[mode]
    out = [f"### {MODE_TITLES[mode]}", ""]
    out.append(f"| scenario | unit | {titles[0]} | {titles[1]} | {titles[2]} | porter/curl | target | met? |")
    out.append("| --- | --- | ---: | ---: | ---: | ---: | --- | --- |")
    for row, label, unit, kind, goal in rows(arguments):
        values = samples.get((mode, row))
        if not values:
            continue
        medians = {tool: median(values.get(tool, [])) for tool in TOOLS}
        cells = []
        for tool in TOOLS:
            cell = number(medians[tool])
            noise = spread(values.get(tool, []))
            if medians[tool] is not None and noise:
                cell += f" {noise}"
            cells.append(cell)
        porter, curl = medians["porter"], medians["curl"]
        ratio = porter / curl if porter is not None and curl else None
        if kind == "plus<=":
            target = f"≤ curl + {goal:.0f} MiB"
            met = None if ratio is None else porter <= curl + goal
        elif kind == "ratio>=":
            target = f"≥ {goal:.1f}"
            met = None if ratio is None else ratio >= goal
        else:
            target = f"≤ {goal:.1f}"
            met = None if ratio is None else ratio <= goal
        verdict = "n/a" if met is None else ("yes" if met else "**no**")
        ratio_text = "n/a" if ratio is None else f"{ratio:.2f}"
        if row.startswith("5-") and mode == "cli" and porter is None:
            cells[0] = "n/a (no --parallel)"
        out.append(f"| {label} | {unit} | {' | '.join(cells)} | {ratio_text} | {target} | {verdict} |")
    out.append("")
    floor = median(samples.get((mode, "floor-2-plain"), {}).get("floor", []))
    if floor is not None:
        out.append(f"Floor of scenario 2, plain: the same {arguments.keepalive} requests as bare `send`/`recv` "
                   f"calls on one connection, nothing parsed (`clients/floor.c`): {number(floor)} µs/request. "
                   "What a client adds is its time per request minus this.")
        out.append("")
    checks = [(tool, samples.get((mode, "check-connections"), {}).get(tool, ["?"])[0],
               samples.get((mode, "check-resumed"), {}).get(tool, ["?"])[0]) for tool in TOOLS]
    if any(c != "?" for _, c, _ in checks):
        out.append("Seen by nginx: connections used for 5 keep-alive requests (plain), and TLS sessions "
                   "resumed of 5 new connections (`Connection: close`, TLS):")
        out.append("")
        out.append("| " + " | ".join(["", *titles]) + " |")
        out.append("| --- | ---: | ---: | ---: |")
        out.append("| connections for 5 requests | " + " | ".join(c for _, c, _ in checks) + " |")
        out.append("| TLS resumptions of 5 | " + " | ".join(r for _, _, r in checks) + " |")
        out.append("")
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("samples")
    for name in ("rounds", "large", "memory", "keepalive", "close", "parallel", "pairs", "startup", "started",
                 "load", "load-after", "porter", "python", "commit"):
        parser.add_argument(f"--{name}", required=True)
    parser.add_argument("--duration", type=int, required=True)
    arguments = parser.parse_args()

    samples = defaultdict(lambda: defaultdict(list))
    for line in open(arguments.samples):
        mode, row, tool, _round, value = line.rstrip("\n").split("\t")
        samples[(mode, row)][tool].append(value)

    print("## Benchmark run")
    print()
    print(machine(arguments))
    print()
    print("Medians over the rounds, ± half the range as a share of the median. "
          "Throughput: higher is better; times and memory: lower is better.")
    print()
    for mode in ("cli", "library"):
        if any(key[0] == mode for key in samples):
            print(table(mode, samples, arguments))
            growth = linearity(mode, samples, arguments)
            if growth:
                print()
                print("Scenario 7, parsing and transfers together as the count grows:")
                print()
                print(growth)
                print()


if __name__ == "__main__":
    main()
