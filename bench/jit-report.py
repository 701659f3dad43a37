#!/usr/bin/env python3
"""Where the broker's JIT worked, step by step, from a `LOGCOMP=1 bench/jit-steps.sh` run.

    python3 bench/jit-report.py OUT [STEP...]

Prints, per step: the C1 and C2 compile count and the wall time of their compile tasks (seconds;
wall, so it includes waiting for a CPU); then every method C2 compiled more than once, with the
step and duration of each compile and the uncommon traps that threw the compiled code away; and
for each STEP named, its 15 longest C2 compiles with their code size.
"""
import collections
import re
import sys


def unescape(name):
    return name.replace("&lt;", "<").replace("&gt;", ">")


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    wanted = sys.argv[2:]
    log = open(f"{out}/comp.xml", errors="replace").read()
    vm_start_ms = int(re.search(r"<hotspot_log [^>]*time_ms='(\d+)'", log).group(1))
    marks = [int(line) / 1e6 for line in open(f"{out}/marks")]
    names = [line.strip() for line in open(f"{out}/marks.names")]

    def step_at(stamp_s):
        at = vm_start_ms + stamp_s * 1000
        step = "start"
        for mark, name in zip(marks, names):
            if at >= mark:
                step = name
        return step

    totals = collections.defaultdict(lambda: [0, 0.0])
    c2 = collections.defaultdict(list)
    longest = collections.defaultdict(list)
    task = re.compile(r"<task (?P<attrs>[^>]*)>.*?<task_done (?P<done>[^>]*)/>", re.S)
    for m in task.finditer(log):
        attrs, done = m.group("attrs"), m.group("done")
        level = re.search(r"level='(\d)'", attrs)
        level = level.group(1) if level else "4"
        began = float(re.search(r"stamp='([\d.]+)'", attrs).group(1))
        ended = float(re.search(r"stamp='([\d.]+)'", done).group(1))
        method = unescape(re.search(r"method='([^']*)'", attrs).group(1).split(" (")[0])
        compile_id = re.search(r"compile_id='(\d+)'", attrs).group(1)
        size = re.search(r"nmsize='(\d+)'", done)
        step = step_at(began)
        kind = "C2" if level == "4" else "C1"
        totals[(step, kind)][0] += 1
        totals[(step, kind)][1] += ended - began
        if kind == "C2":
            osr = " (OSR)" if "osr_bci" in attrs else ""
            c2[method + osr].append((step, round(ended - began, 3), compile_id))
            longest[step].append((ended - began, method + osr, size.group(1) if size else "?"))

    traps = collections.defaultdict(list)
    trap = re.compile(r"<uncommon_trap thread='\d+' (?P<attrs>[^>]*)>(?P<body>.*?)</uncommon_trap>", re.S)
    for m in trap.finditer(log):
        attrs = m.group("attrs")
        compile_id = re.search(r"compile_id='(\d+)'", attrs)
        if not compile_id:
            continue
        reason = re.search(r"reason='([^']*)'", attrs).group(1)
        action = re.search(r"action='([^']*)'", attrs).group(1)
        frames = re.findall(r"<jvms bci='(\d+)' method='([^ ']*) ([^ ']*)", m.group("body"))
        where = " <- ".join(f"{cls.split('.')[-1]}.{unescape(meth)}@{bci}" for bci, cls, meth in frames[:3])
        traps[compile_id.group(1)].append(f"{reason}/{action} at {where}")

    print("step         C1 compiles  C1 s   C2 compiles  C2 s")
    for step in ["start"] + names:
        one, two = totals.get((step, "C1"), [0, 0.0]), totals.get((step, "C2"), [0, 0.0])
        if one[0] or two[0]:
            print(f"{step:<12} {one[0]:>11} {one[1]:>5.2f} {two[0]:>12} {two[1]:>5.2f}")

    print("\ncompiled by C2 more than once (step, seconds, compile id; then the traps of each compile):")
    again = sorted(((sum(t for _, t, _ in v), k, v) for k, v in c2.items() if len(v) > 1), reverse=True)
    for total, method, compiles in again:
        print(f"  {total:.3f} s  {method}: {compiles}")
        for _, _, compile_id in compiles:
            for t in sorted(set(traps.get(compile_id, [])))[:3]:
                print(f"        #{compile_id} {t}")

    for step in wanted:
        print(f"\nlongest C2 compiles in {step}:")
        for seconds, method, size in sorted(longest[step], reverse=True)[:15]:
            print(f"  {seconds:.3f} s  {size:>6} B  {method}")


if __name__ == "__main__":
    main()
