#!/usr/bin/env python3
"""report.py OUTDIR -- the comparison table of bench/compare.sh.

Reads OUTDIR/{tributary,kafka}-rN/perf/summary.tsv and startup.tsv, takes the median over the
rounds per broker and step, and prints a Markdown table with the ratios the performance issue
sets targets for (Tributary / Kafka): throughput >= 1.3x, broker CPU per record <= 0.5x,
L1 p99/p99.9 <= 0.25x, E2E p99 <= 0.5x, start-to-ready < 500 ms, idle RSS < 1/3 of Kafka's,
F1 >= 0.7x of Tributary's own P2. The targets are judged on the first pass (perf/); the steps of
later passes on the same brokers (perf-passN/, bench/compare.sh with PASSES=N) get a table each.
"""
import csv
import functools
import glob
import os
import statistics
import sys

out = sys.argv[1]


def num(x):
    try:
        return float(x)
    except (TypeError, ValueError):
        return None


def med(vals):
    vals = [v for v in vals if v is not None]
    return statistics.median(vals) if vals else None


@functools.cache
def rounds(broker, perf="perf"):
    """The summary rows of one broker's pass (perf/, perf-pass2/, ...), a list per round; read once
    (steps() and run_cpu() both derive from it)."""
    result = []
    for run in sorted(glob.glob(os.path.join(out, broker + "-r*"))):
        summary = os.path.join(run, perf, "summary.tsv")
        if os.path.exists(summary):
            with open(summary) as f:
                result.append(list(csv.DictReader(f, delimiter="\t")))
    return result


def steps(broker, perf="perf"):
    """Step name -> its rows over the rounds."""
    by_step = {}
    for rows in rounds(broker, perf):
        for row in rows:
            by_step.setdefault(row["step"], []).append(row)
    return by_step


def startup(broker):
    """Each round's startup.tsv: ready ms, idle RSS and anonymous KiB, after-load RSS and anonymous KiB."""
    result = []
    for st in sorted(glob.glob(os.path.join(out, broker + "-r*", "startup.tsv"))):
        with open(st) as f:
            result.append([float(x) for x in f.read().split()])
    return result


def stat(rows, col):
    return med([num(r.get(col)) for r in rows])


def cpu_us_per_record(rows):
    vals = []
    for r in rows:
        cpu, n = num(r.get("broker_cpu_s")), num(r.get("records"))
        if cpu is not None and n:
            vals.append(cpu * 1e6 / n)
    return med(vals)


def fmt(v, d=0):
    return "-" if v is None else ("%." + str(d) + "f") % v


def ratio(a, b):
    return None if a is None or b in (None, 0) else a / b


def run_cpu(broker, perf="perf"):
    """Broker CPU seconds over P1-E2E (no warm-up, no F1) of each round."""
    return [sum(num(r.get("broker_cpu_s")) or 0 for r in rows
                if r["step"] != "warmup" and not r["step"].startswith("F1"))
            for rows in rounds(broker, perf)]


def run_cpu_row(perf="perf"):
    t, k = run_cpu("tributary", perf), run_cpu("kafka", perf)
    span = lambda v: "-" if not v else "%.1f-%.1f s" % (min(v), max(v))
    print("| broker CPU over P1-E2E (no warm-up, no F1; rounds) | %s | %s | %s |" % (
        span(t), span(k), fmt(ratio(med(t), med(k)), 2)))


def step_table(t_steps, k_steps):
    """Prints the per-step comparison; returns step -> (rates, CPU per record, p99s and p99.9s)."""
    print("| step | Tributary rec/s | Kafka rec/s | ratio | Tributary CPU us/rec | Kafka CPU us/rec | ratio "
          "| Tributary p99 / p99.9 ms | Kafka p99 / p99.9 ms |")
    print("|---|---|---|---|---|---|---|---|---|")
    order = [s for s in t_steps if s != "warmup"] + [s for s in k_steps if s not in t_steps and s != "warmup"]
    results = {}
    for step in order:
        t, k = t_steps.get(step, []), k_steps.get(step, [])
        tr, kr = stat(t, "rec_per_s"), stat(k, "rec_per_s")
        tc, kc = cpu_us_per_record(t), cpu_us_per_record(k)
        results[step] = (tr, kr, tc, kc, stat(t, "p99_ms"), stat(k, "p99_ms"), stat(t, "p999_ms"), stat(k, "p999_ms"))
        print("| %s | %s | %s | %s | %s | %s | %s | %s / %s | %s / %s |" % (
            step, fmt(tr), fmt(kr), fmt(ratio(tr, kr), 2), fmt(tc, 2), fmt(kc, 2), fmt(ratio(tc, kc), 2),
            fmt(stat(t, "p99_ms"), 1), fmt(stat(t, "p999_ms"), 1), fmt(stat(k, "p99_ms"), 1), fmt(stat(k, "p999_ms"), 1)))
    return results


t_steps, t_start = steps("tributary"), startup("tributary")
k_steps, k_start = steps("kafka"), startup("kafka")
n_rounds = max(len(t_start), len(k_start))
print("## Tributary vs Apache Kafka 4.4 (median of %d rounds, %s)\n" % (n_rounds, os.path.basename(out)))
results = step_table(t_steps, k_steps)

ts = [med([s[i] for s in t_start]) if t_start else None for i in range(5)]
ks = [med([s[i] for s in k_start]) if k_start else None for i in range(5)]
print()
print("| | Tributary | Kafka | ratio |")
print("|---|---|---|---|")
print("| start-to-ready ms | %s | %s | %s |" % (fmt(ts[0]), fmt(ks[0]), fmt(ratio(ts[0], ks[0]), 2)))
print("| idle RSS MiB (anon) | %s (%s) | %s (%s) | %s |" % (
    fmt(ts[1] and ts[1] / 1024), fmt(ts[2] and ts[2] / 1024), fmt(ks[1] and ks[1] / 1024), fmt(ks[2] and ks[2] / 1024),
    fmt(ratio(ts[1], ks[1]), 2)))
print("| RSS after load MiB (anon) | %s (%s) | %s (%s) | %s |" % (
    fmt(ts[3] and ts[3] / 1024), fmt(ts[4] and ts[4] / 1024), fmt(ks[3] and ks[3] / 1024), fmt(ks[4] and ks[4] / 1024),
    fmt(ratio(ts[3], ks[3]), 2)))
run_cpu_row()

passes = sorted({os.path.basename(os.path.dirname(p))
                 for p in glob.glob(os.path.join(out, "*-r*", "perf-pass*", "summary.tsv"))},
                key=lambda name: int(name[len("perf-pass"):]))
for perf in passes:
    print("\n### Pass %s on the same brokers (no warm-up; not the targets' run)\n" % perf[len("perf-pass"):])
    step_table(steps("tributary", perf), steps("kafka", perf))
    print()
    print("| | Tributary | Kafka | ratio |")
    print("|---|---|---|---|")
    run_cpu_row(perf)

print("\n### Targets (first pass)\n")


def check(name, value, ok):
    print("- %s: %s %s" % (name, value, "MET" if ok else "NOT MET"))


for step, (tr, kr, tc, kc, tp99, kp99, tp999, kp999) in results.items():
    if step.startswith(("P", "C")) and not step.startswith("F"):
        r = ratio(tr, kr)
        check(step + " throughput >= 1.3x", fmt(r, 2) + "x", r is not None and r >= 1.3)
        c = ratio(tc, kc)
        check(step + " broker CPU/record <= 0.5x", fmt(c, 2) + "x", c is not None and c <= 0.5)
if "L1-20k-linger0" in results:
    tr, kr, tc, kc, tp99, kp99, tp999, kp999 = results["L1-20k-linger0"]
    check("L1 p99 <= 0.25x", fmt(ratio(tp99, kp99), 2) + "x", ratio(tp99, kp99) is not None and ratio(tp99, kp99) <= 0.25)
    check("L1 p99.9 <= 0.25x", fmt(ratio(tp999, kp999), 2) + "x",
          ratio(tp999, kp999) is not None and ratio(tp999, kp999) <= 0.25)
if "E2E-100B-acks1" in results:
    tr, kr, tc, kc, tp99, kp99, tp999, kp999 = results["E2E-100B-acks1"]
    check("E2E p99 <= 0.5x", fmt(ratio(tp99, kp99), 2) + "x", ratio(tp99, kp99) is not None and ratio(tp99, kp99) <= 0.5)
check("start-to-ready < 500 ms", fmt(ts[0]) + " ms", ts[0] is not None and ts[0] < 500)
check("idle RSS < 1/3 of Kafka's", fmt(ratio(ts[1], ks[1]), 2) + "x", ratio(ts[1], ks[1]) is not None and ratio(ts[1], ks[1]) < 1 / 3)
if "F1-100B-acksall-fsync" in results and "P2-100B-acksall-1p" in results:
    f1 = results["F1-100B-acksall-fsync"][0]
    p2 = results["P2-100B-acksall-1p"][0]
    check("F1 >= 0.7x of P2 (Tributary)", fmt(ratio(f1, p2), 2) + "x", ratio(f1, p2) is not None and ratio(f1, p2) >= 0.7)
