#!/usr/bin/env python3
"""Benchmarks playbook against Zola and Hugo on the same Markdown pages.

For each size N it writes a playbook of N Markdown entities plus YAML data
(`gen_playbook.py`) and, where the peers are installed, a Zola and a Hugo
site with the same N page bodies. Then, in alternating runs (so that a
change in the machine's speed hits every tool alike), it times:

  playbook check; playbook build into an empty folder (cold) and again
  over its own output (again); zola build; hugo build (cold, again);
  and the edit of one page under `playbook serve`, from saving the file
  to the served page showing the edit.

It reports the median wall time, CPU time (user + system) and peak memory
of each, and the ratios of playbook's build to the peers'.

Usage: bench/run.py [--sizes 1000 10000] [--runs 5] [--edits 15]
                    [--dir /dev/shm/playbook-bench] [--zola BIN] [--hugo BIN]
                    [--playbook BIN]
Peers are found on PATH or through the ZOLA and HUGO variables.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import serve_reload  # noqa: E402
AS_OF = "2026-11-28"


def measure(cmd):
    """Runs `cmd`; returns (wall s, cpu s, peak MB). Exits on failure."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            sys.exit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{err.read().decode(errors='replace')[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--edits", type=int, default=15)
    ap.add_argument("--dir", default="/dev/shm/playbook-bench")
    ap.add_argument("--playbook", help="the playbook binary (default: build it with cargo)")
    ap.add_argument("--zola", default=os.environ.get("ZOLA") or shutil.which("zola"))
    ap.add_argument("--hugo", default=os.environ.get("HUGO") or shutil.which("hugo"))
    args = ap.parse_args()

    binary = args.playbook
    if not binary:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=os.path.dirname(HERE), check=True)
        target = os.environ.get("CARGO_TARGET_DIR", os.path.join(os.path.dirname(HERE), "target"))
        binary = os.path.join(os.path.abspath(os.path.join(os.path.dirname(HERE), target)), "release", "playbook")
    peers = {name: path for name, path in (("zola", args.zola), ("hugo", args.hugo)) if path}
    print(f"playbook: {binary}")
    for name in ("zola", "hugo"):
        if name in peers:
            version = subprocess.run([peers[name], "--version" if name == "zola" else "version"],
                                     capture_output=True, text=True).stdout.strip().split("\n")[0]
            print(f"{name}: {version}")
        else:
            print(f"{name}: not found (set {name.upper()} or --{name}); left out")
    print(f"folder: {args.dir}; {os.cpu_count()} cores; medians of {args.runs} runs\n")

    for n in args.sizes:
        root = os.path.join(args.dir, str(n))
        pb, pb_out = os.path.join(root, "playbook"), os.path.join(root, "playbook-out")
        subprocess.run([sys.executable, os.path.join(HERE, "gen_playbook.py"), str(n), pb], check=True)
        for name in peers:
            subprocess.run([sys.executable, os.path.join(HERE, "gen_playbook.py"), str(n),
                            os.path.join(root, name), "--peer", name], check=True)
        files = sum(len(f) for _, _, f in os.walk(os.path.join(pb, "content")))

        def fresh(path):
            shutil.rmtree(path, ignore_errors=True)

        tasks = [
            ("playbook check", None, [binary, "check", "--root", pb, "--as-of", AS_OF, "-q"]),
            ("playbook build (cold)", lambda: fresh(pb_out),
             [binary, "build", "--root", pb, "--out", pb_out, "--as-of", AS_OF, "-q"]),
            ("playbook build (again)", None,
             [binary, "build", "--root", pb, "--out", pb_out, "--as-of", AS_OF, "-q"]),
        ]
        if "zola" in peers:
            z = os.path.join(root, "zola")
            tasks.append(("zola build", None,
                          [peers["zola"], "--root", z, "build", "--output-dir", z + "-out", "--force"]))
        if "hugo" in peers:
            h = os.path.join(root, "hugo")
            tasks.append(("hugo build (cold)", lambda: fresh(h + "-out"),
                          [peers["hugo"], "--quiet", "-s", h, "-d", h + "-out"]))
            tasks.append(("hugo build (again)", None, [peers["hugo"], "--quiet", "-s", h, "-d", h + "-out"]))
        results = {name: [] for name, _, _ in tasks}
        for _ in range(args.runs):
            for name, prepare, cmd in tasks:
                if prepare:
                    prepare()
                results[name].append(measure(cmd))
        print(f"{n:,} Markdown entities ({files:,} files in all)")
        print(f"  {'':24} {'wall':>9} {'cpu':>9} {'peak':>9}")
        med = {}
        for name, runs in results.items():
            wall, cpu, peak = (statistics.median(r[i] for r in runs) for i in range(3))
            med[name] = wall
            print(f"  {name:24} {wall:8.3f}s {cpu:8.3f}s {peak:7.0f}MB")
        times, rebuilds = serve_reload.edit_times(binary, pb, "content/pages/page-00001.md",
                                                  "pages/page-00001/", args.edits)
        print(f"  playbook serve, one edit: {serve_reload.summary(times, rebuilds)}")
        for peer in ("zola build", "hugo build (cold)"):
            if peer in med:
                print(f"  playbook build (cold) / {peer}: {med['playbook build (cold)'] / med[peer]:.2f}x")
        if "hugo build (again)" in med:
            print(f"  playbook build (again) / hugo build (again): "
                  f"{med['playbook build (again)'] / med['hugo build (again)']:.2f}x")
        print()


if __name__ == "__main__":
    main()
