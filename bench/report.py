#!/usr/bin/env python3
"""Turn the raw records of one 'make bench' run into bench/results/*.json,
docs/RESULTS.md, gnuplot data and the contention model.

Every number written here comes from the raw records (and the fast-path
count of scripts/fastpath.py); nothing is typed in by hand.

Statistics: the boot is the unit.  A boot's value for a workload is the
median of its runs (under icount the minimum: interference only adds); a variant's value is the median over its boots; a
ratio is that of two variants' values, with a 95% interval from a
bootstrap over boots (each variant's boots resampled with replacement,
4000 times, fixed seed).  A difference is called only where the interval
excludes 1.
"""
import argparse
import difflib
import glob
import json
import os
import random
import statistics
import sys

import model

B_RESAMPLES = 4000
VARIANTS_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "variants")
LOCK_BITS = "CONFIG_ARM64_MTE_TAG_LOCK_BITS="


def read_variants(path=VARIANTS_FILE):
    """tests/variants: {name: {"source", "patches", "configs", "purpose"}}, in order."""
    table = {}
    with open(path) as f:
        for line in f:
            if line.startswith("#") or len(line.split()) < 7:
                continue
            name, _kernel, source, patches, configs, _bench, purpose = line.split(None, 6)
            table[name] = dict(source=source, patches=patches.split(","),
                               configs=configs.split(","), purpose=purpose.strip())
    return table


VARIANTS = read_variants()


def buckets(v):
    """The lock table size of a bucket-sweep variant (a LOCK_BITS config line)."""
    for c in VARIANTS.get(v, {}).get("configs", []):
        if c.startswith(LOCK_BITS):
            return 1 << int(c[len(LOCK_BITS):])
    return None


def name(v):
    return VARIANTS[v]["purpose"] if v in VARIANTS else v


def vorder(v):
    order = list(VARIANTS)
    return (1 if buckets(v) else 0, buckets(v) or 0, order.index(v) if v in order else len(order))


def count(r):
    return r.get("procs", r.get("vcpus", 1))


def load(raw):
    recs = []
    for f in sorted(glob.glob(os.path.join(raw, "*.jsonl"))):
        if os.path.basename(f) == "symbols.jsonl":
            continue
        with open(f) as fh:
            recs += [json.loads(x) for x in fh if x.strip()]
    return recs


def per_boot(recs, field="ns_per_page"):
    """{(mode, workload, n, pages): {variant: {boot: [value per page...]}}}:
    ns_per_page, or a count of the insn-classes plugin (k_*: per window)
    divided by the window's pages (pages x processes or vCPUs)."""
    out = {}
    for r in recs:
        if field not in r or "ns_per_page" not in r:
            continue
        v = r[field] if field == "ns_per_page" else r[field] / (r["pages"] * count(r))
        k = (r["mode"], r["workload"], count(r), r["pages"])
        out.setdefault(k, {}).setdefault(r["variant"], {}).setdefault(
            (r["mode"], r["boot"]), []).append(v)
    return out


# A boot's value for a workload: under icount the minimum of its runs, since
# anything else the single vCPU does during a run (a kernel thread, an
# interrupt) only adds instructions; under wall clock the median.
BOOT_STAT = {"icount": min, "wall": statistics.median}


def boot_values(by_boot):
    return [BOOT_STAT[mode](v) for (mode, _), v in sorted(by_boot.items())]


def ratio_ci(xs, bs, rng):
    """median(xs)/median(bs) and its 95% bootstrap interval over boots."""
    point = statistics.median(xs) / statistics.median(bs)
    est = sorted(statistics.median(rng.choices(xs, k=len(xs))) /
                 statistics.median(rng.choices(bs, k=len(bs)))
                 for _ in range(B_RESAMPLES))
    return point, est[int(0.025 * B_RESAMPLES)], est[int(0.975 * B_RESAMPLES) - 1]


def diff_ci(xs, ys, rng):
    """median(xs) - median(ys) (the same boots, paired) and its interval."""
    pairs = list(zip(xs, ys))
    point = statistics.median(xs) - statistics.median(ys)
    est = []
    for _ in range(B_RESAMPLES):
        s = rng.choices(pairs, k=len(pairs))
        est.append(statistics.median(a for a, _ in s) - statistics.median(b for _, b in s))
    est.sort()
    return point, est[int(0.025 * B_RESAMPLES)], est[int(0.975 * B_RESAMPLES) - 1]


def fmt_ratio(p, lo, hi):
    flag = "" if lo <= 1.0 <= hi else " **"
    return "%.3f [%.3f, %.3f]%s" % (p, lo, hi, flag)


def table(groups, mode, variants, base, rng, unit, only=None):
    vs = [v for v in variants if any(v in g for k, g in groups.items() if k[0] == mode)]
    rows = ["| workload | n | pages | " + " | ".join(vs) + " | " +
            " | ".join("%s / %s" % (v, base) for v in vs if v != base) + " |",
            "|" + " --- |" * (3 + 2 * len(vs) - 1)]
    ratios = []
    for k in sorted(x for x in groups if x[0] == mode):
        if only and k[1] not in only:
            continue
        g = groups[k]
        cells, rats = [], []
        for v in vs:
            if v not in g:
                cells.append("-")
                continue
            bv = boot_values(g[v])
            f = "%.2f" if statistics.median(bv) < 100 else "%.0f"
            cells.append((f + " [" + f + "-" + f + "] (%d)") % (statistics.median(bv), min(bv),
                                                               max(bv), len(bv)))
        for v in vs:
            if v == base:
                continue
            if v in g and base in g:
                p, lo, hi = ratio_ci(boot_values(g[v]), boot_values(g[base]), rng)
                rats.append(fmt_ratio(p, lo, hi))
                ratios.append(dict(mode=mode, workload=k[1], n=k[2], pages=k[3], variant=v,
                                   ratio=p, lo=lo, hi=hi, differs=not lo <= 1.0 <= hi))
            else:
                rats.append("-")
        rows.append("| %s | %d | %d | %s | %s |" % (k[1], k[2], k[3], " | ".join(cells),
                                                     " | ".join(rats)))
    return rows, ratios


def spread(groups, mode):
    """[(workload, n, across-boot %, within-boot %)]: largest deviation from
    the median, across the boots' values and across the runs of one boot."""
    out = []
    for k in sorted(x for x in groups if x[0] == mode):
        across, within = 0.0, 0.0
        for v, g in groups[k].items():
            bv = boot_values(g)
            m = statistics.median(bv)
            across = max(across, max(abs(x - m) / m for x in bv) * 100)
            for runs in g.values():
                mr = min(runs)
                within = max(within, max(abs(x - mr) / mr for x in runs) * 100)
        out.append((k[1], k[2], across, within))
    return out


def cheapest_md(groups, recs, variants, rng):
    """Which variant is cheapest on each icount workload, by how much, and
    its kernel atomics per page where the plugin counted them.  The next
    variant's ratio to the cheapest carries its interval: where it
    includes 1 the two are a tie, not a ranking."""
    atom = per_boot(recs, "k_atomics")
    rows = ["Cheapest per workload (median instructions per page under icount; the "
            "margin is to the next variant, with the ratio next / cheapest and its 95% "
            "interval: a tie where the interval includes 1; atomics per page from the "
            "plugin):", "",
            "| workload | n | cheapest | next | margin (instructions per page) | "
            "next / cheapest | atomics per page (" + ", ".join(variants) + ") |",
            "| --- | --- | --- | --- | --- | --- | --- |"]
    for k in sorted(x for x in groups if x[0] == "icount"):
        g = groups[k]
        med = sorted((statistics.median(boot_values(x)), v) for v, x in g.items())
        if len(med) < 2:
            continue
        p, lo, hi = ratio_ci(boot_values(g[med[1][1]]), boot_values(g[med[0][1]]), rng)
        tie = lo <= 1.0 <= hi
        a = atom.get(k, {})
        cells = ", ".join("%.2f" % statistics.median(boot_values(a[v])) if v in a else "-"
                          for v in variants)
        rows.append("| %s | %d | %s%s (%.0f) | %s (%.0f) | %.0f | %.3f [%.3f, %.3f] | %s |" % (
            k[1], k[2], "tie: " if tie else "", med[0][1], med[0][0], med[1][1], med[1][0],
            med[1][0] - med[0][0], p, lo, hi, cells))
    return rows + [""]


def fastpath_md(raw):
    f = os.path.join(raw, "fastpath.json")
    if not os.path.exists(f):
        return ["Fast path: not computed in this run."], None
    res = json.load(open(f))
    # the columns: every variant beside base, in the order fastpath.py ran them
    others = []
    for x in res:
        if x["name"] != "base" and x["name"] not in others:
            others.append(x["name"])
    out = ["## The tagged-page fast path, in instructions", "",
           "`scripts/fastpath.py` disassembles the objects of the kernels "
           "measured here (`aarch64-linux-gnu-objdump`), applies their "
           "alternatives for an MTE core with LSE atomics (the LSE "
           "instruction, not the LL/SC fallback), and counts the order-0 "
           "page's shortest path from "
           "the function's entry to `ret` that passes the `dmb ishld` which "
           "`page_mte_tagged()` issues only for a tagged page (or, for "
           "`mainline-port`, the load-acquire with which `try_page_mte_tagging()` "
           "reads the flag), calling nothing "
           "that initialises tags or takes a lock (calls within the object, and "
           "`mte_init_page_tags()` for the series' stage 2, are followed).  "
           "`mainline-port`'s `sanitise_mte_tags()` is inlined into "
           "`user_mem_abort()`, so it has no count of its own (-).", ""]
    out += ["| function | base |" + "".join(" %s | %s - base |" % (o, o) for o in others),
            "| --- | --- |" + " --- | --- |" * len(others)]
    diffs = {}

    def get(name, func):
        return next((x for x in res if x["name"] == name and x["func"] == func), None)
    for r in res:
        if r["name"] == others[0]:
            b = get("base", r["func"])
            diffs[r["func"]] = r["insns"] - b["insns"]
            row = "| `%s` | %d |" % (r["func"], b["insns"])
            for o in others:
                m = get(o, r["func"])
                row += (" %d | %+d |" % (m["insns"], m["insns"] - b["insns"])) if m else " - | - |"
            out.append(row)
    if all("atomics" in x for x in res):
        out += ["", "The same paths' atomics (LSE atomics, and exclusive pairs "
                "counted once), barriers (`dmb`, `dsb`, `isb`) and acquire/release "
                "accesses (`ldar`, `ldapr`, `stlr`, and the acquire or release "
                "forms of atomics), static counts:", "",
                "| function | " + " | ".join([n for n in ["base"] + others]) + " |",
                "| --- |" + " --- |" * (1 + len(others))]
        for func in diffs:
            cells = []
            for n in ["base"] + others:
                m = get(n, func)
                cells.append("%d / %d / %d" % (m["atomics"], m["barriers"], m["acq_rel"])
                             if m else "-")
            out.append("| `%s` (atomics / barriers / acq-rel) | %s |" % (func, " | ".join(cells)))
    out += ["", "Where a count differs, the paths side by side (`diff` of the "
            "instruction lists, addresses dropped):", ""]
    for func in diffs:
        b = get("base", func)
        for other in others:
            o = get(other, func)
            if o is None or o["insns"] == b["insns"]:
                continue
            bp = [p.split(": ", 1)[-1] for p in b["path"]]
            op = [p.split(": ", 1)[-1] for p in o["path"]]
            out += ["```", "--- base %s" % func, "+++ %s %s" % (other, func)]
            out += [x for x in difflib.unified_diff(bp, op, n=0, lineterm="")][2:]
            out += ["```", ""]
    return out, diffs


def model_md(groups, base, rng, cmd):
    """H and F from the icount mode, with intervals; the MVA model only if H
    is significantly positive."""
    kt = ("icount", "touch", 1)
    kn = ("icount", "notag", 1)
    t = next((g for k, g in groups.items() if k[:3] == kt), {}).get(base)
    n = next((g for k, g in groups.items() if k[:3] == kn), {}).get(base)
    out = ["## Model: 2 to 256 CPUs", ""]
    if not t or not n:
        return out + ["Not evaluated: no icount touch/notag records of %s." % base, ""], None
    tb, nb = boot_values(t), boot_values(n)
    common = min(len(tb), len(nb))
    h, hlo, hhi = diff_ci(tb[:common], nb[:common], rng)
    f = statistics.median(nb)
    flo, fhi = min(nb), max(nb)
    out += ["Parameters from the icount mode (one vCPU, instructions, %s): "
            "F = notag first touch = %.0f instructions per page [%.0f-%.0f over boots]; "
            "H = touch - notag = %.0f [95%% interval %.0f, %.0f] instructions per "
            "page, the tag initialisation under the lock.  H/F = %.3f."
            % (base, f, flo, fhi, h, hlo, hhi, h / f), ""]
    if hlo <= 0:
        return out + ["H is not significantly above 0 in this run, so the model is not "
                      "evaluated with it (no clamping).", ""], None
    params = {"fault_ns": f, "hold_ns": h, "buckets": model.BUCKETS,
              "source": "icount, %s" % base}
    lo = {"fault_ns": fhi, "hold_ns": hlo, "buckets": model.BUCKETS}
    hi = {"fault_ns": flo, "hold_ns": hhi, "buckets": model.BUCKETS}
    out += model.markdown(params, cmd, lo, hi)
    return out, params


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--docs", required=True)
    ap.add_argument("--mode", required=True)
    ap.add_argument("--cmd", required=True)
    ap.add_argument("--spread-max", type=float, default=5.0)
    a = ap.parse_args()

    recs = load(a.raw)
    if not recs:
        raise SystemExit("no benchmark records in %s" % a.raw)
    rng = random.Random(1)
    variants = sorted({r["variant"] for r in recs}, key=vorder)
    base = "base"
    modes = [m for m in ("icount", "wall") if any(r["mode"] == m for r in recs)]
    for m in modes:
        for v in variants:
            rs = [r for r in recs if r["variant"] == v and r["mode"] == m]
            if rs:
                with open(os.path.join(a.out, "%s-%s-smp%d.json" % (m, v, rs[0]["smp"])), "w") as fh:
                    json.dump(rs, fh, indent=1)
    syms = []
    sf = os.path.join(a.raw, "symbols.jsonl")
    if os.path.exists(sf):
        syms = [json.loads(x) for x in open(sf) if x.strip()]
    order = open(os.path.join(a.raw, "order")).read().split("\n") \
        if os.path.exists(os.path.join(a.raw, "order")) else []
    groups = per_boot(recs)

    md = ["# Benchmark results", "",
          "Generated by `%s` from the raw records in `%s`; do not edit." % (
              a.cmd, os.path.relpath(a.out)), ""]
    md += ["| variant | what | kernel commit | .config sha1 | QEMU |", "| --- | --- | --- | --- | --- |"]
    for v in variants:
        r = next(x for x in recs if x["variant"] == v)
        md.append("| `%s` | %s | %s | %s | %s |" % (v, name(v), r["commit"], r["config"], r["qemu"]))
    if "rfc" in variants:
        md += ["", "`base` is stock mainline 7.3 (Debian linux-source-7.3): its PG_mte_lock "
               "bit lock is mainline's fix; `precheck` is that bit lock with a load-acquire "
               "of PG_mte_tagged before test_and_set_bit(PG_mte_lock) "
               "(tests/mainline-precheck.patch); `rfc` is 7.3 with the RFC of upstream/ "
               "(hashed per-pfn spinlocks replace PG_mte_lock); `rfc-trim` is the RFC "
               "trimmed (tests/mainline-rfc-trim.patch: inline bit locks in the buckets, "
               "the bucket found once and passed from the try to the set, one lock per "
               "contiguous-PTE block of a batch, no set-up before the scan for an "
               "uninitialised page).  The same kernel, each "
               "variant's config with configs/perf.config and configs/perf-7.3.config "
               "over it (the kernel's .config sha1 above).", ""]
    else:
        md += ["", "`base` is unpatched 6.1.192; `global` is tests/global-lock.patch (the "
           "2021 v14 `tag_sync_lock`, stage 1 and swap only: at stage 2 it runs base's "
           "code and refuses shared memslots); `series` is the full series; `series-bN` "
           "the series with 2^N buckets (`series-b0`: the series' code with one lock, "
           "the fair global lock for every path).  Each variant's config with "
           "configs/perf.config and configs/perf-6.1.config over it (the kernel's "
           ".config sha1 above).", ""]
    md += ["Statistics: the boot is the unit.  A cell is the median over boots of each "
           "boot's value (its median run; under icount its minimum run), [min-max] over "
           "boots, (boots).  A ratio is "
           "variant / base with its 95% bootstrap interval over boots; ** marks an "
           "interval that excludes 1, the only differences this file calls.  Each round "
           "boots the variants in a random order (recorded below).", ""]

    fp, diffs = fastpath_md(a.raw)
    md += fp
    all_ratios = []
    status = 0
    if "icount" in modes:
        sp = spread(groups, "icount")
        worst = max(sp, key=lambda x: x[2])
        md += ["## Instructions per page (icount mode)", "",
               "QEMU `-icount shift=0,sleep=off`, one vCPU: the guest clock advances "
               "1 ns per executed instruction, so a time in ns is an instruction count, "
               "free of host noise.  Single-CPU costs only: no contention.", "",
               "A boot's value is the minimum of its runs: whatever else the one vCPU "
               "executes during a run (a kernel thread, an interrupt) only adds "
               "instructions.  Spread (percent): the largest deviation of a boot's value "
               "from the median over boots of one variant, and the largest excess of a "
               "run over its boot's minimum (that interference).", "",
               "| workload | n | across boots | within a boot |", "| --- | --- | --- | --- |"]
        md += ["| %s | %d | %.2f | %.2f |" % x for x in sp]
        md += ["", "Bound: %.1f%% across boots (`make bench QUICK=1` fails above it); "
               "largest here: %s n=%d, %.2f%%." % (a.spread_max, worst[0], worst[1], worst[2]), ""]
        if any(x[2] > a.spread_max for x in sp):
            status = 1
            print("bench: icount spread across boots above %.1f%%: %s" % (
                a.spread_max, ", ".join("%s %.2f%%" % (x[0], x[2]) for x in sp
                                       if x[2] > a.spread_max)), file=sys.stderr)
        if len([v for v in variants if any(k[0] == "icount" and v in g
                                           for k, g in groups.items())]) > 1:
            rows, rat = table(groups, "icount", variants, base, rng, "instructions")
            md += ["Instructions per page:", ""] + rows + [""]
            all_ratios += rat
            # its own generator: the intervals of the other tables do not
            # depend on whether it ran
            md += cheapest_md(groups, recs, variants, random.Random(4))
        classes = [(f, t) for f, t in (
            ("k_insns", "Kernel instructions per page"),
            ("k_atomics", "Kernel atomics per page (LSE atomics, and exclusive pairs once)"),
            ("k_barriers", "Kernel barriers per page (dmb, dsb, isb)"),
            ("k_acqrel", "Kernel acquire/release accesses per page (ldar, ldapr, stlr, and "
             "the acquire or release forms of atomics and exclusives)"))
            if any(f in r for r in recs)]
        if classes:
            md += ["## Atomics, barriers and acquire/release accesses per page (icount mode)", "",
                   "Counted in the running guest: the icount boots load the TCG plugin "
                   "`bench/plugin/insn-classes.c`, which counts every instruction executed "
                   "at a kernel address between the benchmark's window marks (`hint #0x7e`, "
                   "`hint #0x7f`, around each timed run) and, apart, the atomics, "
                   "barriers and acquire/release accesses among them, decoded from their "
                   "encodings.  Per page of the window (pages x processes or vCPUs); a "
                   "boot's value is its minimum run, as above.  These counts are what a "
                   "reader can carry to a core whose cost per atomic and per barrier is "
                   "known; an instruction count weighs them all as one.", ""]
            crng = random.Random(3)
            for f, t in classes:
                rows, _ = table(per_boot(recs, f), "icount", variants, base, crng, "")
                md += [t + ":", ""] + rows + [""]
    if "wall" in modes:
        rows, rat = table(groups, "wall", variants, base, rng, "ns")
        smp = next(r["smp"] for r in recs if r["mode"] == "wall")
        md += ["## Wall clock under emulation (%d vCPUs)" % smp, "",
               "QEMU TCG, `-smp %d`: emulation time in ns per page, which only this mode "
               "can show for contention (n > 1).  Host noise included; read the intervals."
               % smp, ""] + rows + [""]
        all_ratios += rat
    differ = [r for r in all_ratios if r["differs"]]
    md += ["## Differences called", ""]
    if differ:
        md += ["| mode | workload | n | variant | ratio [95% interval] |", "| --- | --- | --- | --- | --- |"]
        md += ["| %s | %s | %d | %s | %.3f [%.3f, %.3f] |" % (
            r["mode"], r["workload"], r["n"], r["variant"], r["ratio"], r["lo"], r["hi"])
            for r in differ]
    else:
        md.append("None: every interval includes 1.")
    # 6.1: the series against mainline's fix ported to the same kernel, the
    # stable question; kvm-shared included (base refuses shared memslots).
    # Its own generator, so that the intervals above do not move with it.
    versus_port = []
    if "series" in variants and "mainline-port" in variants:
        prng = random.Random(2)
        md += ["", "## The series against mainline's fix on the same kernel", "",
               "`series` / `mainline-port`: this series' hashed locks against mainline's "
               "v6.2 bit lock ported to 6.1.192 (tests/mainline-port.patch), both release "
               "config; the same statistics as above, ** where the interval excludes 1.", ""]
        for m in modes:
            rows, rat = table(groups, m, ["mainline-port", "series"], "mainline-port",
                              prng, "")
            md += ["%s:" % ("Instructions per page (icount)" if m == "icount" else
                            "Wall clock under emulation, ns per page"), ""] + rows + [""]
            versus_port += rat
    false_calls = [r for r in differ if r["mode"] == "wall" and r["workload"] == "notag"]
    if false_calls:
        md += ["", "Caution: `notag` runs the same code on every kernel (no PROT_MTE, no "
               "tag lock), yet %d of its wall-clock ratios are called here (%s).  With "
               "this few boots the bootstrap understates the emulation's noise, so a "
               "wall-clock call is not evidence of a cost unless the icount table shows "
               "it too." % (len(false_calls), ", ".join(
                   "%s n=%d %.3f" % (r["variant"], r["n"], r["ratio"]) for r in false_calls))]
    md += ["", "Workloads: `touch` = P processes first-touch their own fresh PROT_MTE "
           "MAP_SHARED memfd pages; `notag` = the same without PROT_MTE; `refault` = "
           "refaults of pages already tagged (the fast path); `mprotect` = "
           "mprotect(PROT_MTE) of a populated shared region (per page); `kvm-*` = V vCPUs "
           "first-touch an MTE memslot at stage 2 (`shared` memfd, `private` anonymous, "
           "`nomte` without KVM_CAP_ARM_MTE; base and global refuse `shared`); `bucket` = "
           "P processes write-fault page-cache pages whose pfns all hash to one bucket, "
           "`spread` = the same with pfns in different buckets.", ""]
    if syms:
        md += ["## Lock table size (nm -S vmlinux)", "", "| variant | symbol | bytes |",
               "| --- | --- | --- |"]
        md += ["| %s | `%s` | %d |" % (s["variant"], s["symbol"], s["bytes"]) for s in syms]
        md.append("")
    mm, params = model_md(groups, base, rng, a.cmd)
    md += mm
    md += ["## Contention on more cores", "",
           "Not measured: contention beyond 2 CPUs has not been measured on hardware; "
           "this project's host has 2 cores, so the runs above are the 2-vCPU case and "
           "the model's projection.  To measure it, run `SMP=16 make bench` (or `SMP=N` "
           "up to the host's cores) on a host with that many cores: the wall-clock mode "
           "boots the same variants with `-smp N` unchanged, and the report's tables and "
           "intervals follow.", ""]
    md += ["Round order (mode, round, variants in boot order): " +
           "; ".join(x for x in order if x) + ".", ""]
    with open(os.path.join(a.docs, "RESULTS.md"), "w") as fh:
        fh.write("\n".join(md) + "\n")
    with open(os.path.join(a.docs, "ratios.json"), "w") as fh:
        json.dump(dict(ratios=all_ratios, fastpath=diffs, versus_port=versus_port), fh, indent=1)
    for m in modes:
        with open(os.path.join(a.docs, "ratios-%s.dat" % m), "w") as fh:
            fh.write("label ratio lo hi\n")
            for r in all_ratios:
                if r["mode"] == m:
                    fh.write('"%s n=%d %s" %.4f %.4f %.4f\n' % (
                        r["workload"], r["n"], r["variant"], r["ratio"], r["lo"], r["hi"]))
    if params:
        model.write_dat(params, os.path.join(a.docs, "model.dat"))
    sys.exit(status)


if __name__ == "__main__":
    main()
