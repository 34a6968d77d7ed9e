#!/usr/bin/env python3
"""Edit-to-updated-page latency of `playbook serve`.

Starts `playbook serve` on a playbook, then N times: saves an edit to one
page (atomically, as editors do) and polls the served page until it shows
the edit. Prints the median and the worst time, and the median rebuild
time that serve printed. `run.py` uses the same measurement.

Usage: serve_reload.py PLAYBOOK_BIN ROOT PAGE_FILE PAGE_URL_PATH [N]
  e.g. serve_reload.py target/release/playbook . content/pages/how-we-work.md pages/how-we-work/
"""
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.request


def edit_times(binary, root, page_file, url_path, n):
    """Edit-to-served-page times (ms), and the rebuild times serve printed."""
    # The URL goes to standard output, one line per rebuild to standard error.
    proc = subprocess.Popen([binary, "serve", "--port", "0", "--root", root, "--as-of", "2026-11-28"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    rebuilds = []
    path = os.path.join(root, page_file)
    original = open(path, encoding="utf-8").read()
    try:
        line = proc.stdout.readline()
        while "http://" not in line:
            line = proc.stdout.readline()
            if not line:
                sys.exit("serve did not start")
        base = re.search(r"http://[\d.]+:\d+/", line).group(0)

        def read_log():
            for line in proc.stdout:
                m = re.search(r"rebuilt in (\d+) ms", line)
                if m:
                    rebuilds.append(int(m.group(1)))

        threading.Thread(target=read_log, daemon=True).start()
        times = []
        for i in range(n):
            marker = f"Benchmark edit {i} {time.time_ns()}"
            text = original.replace("\n---\n", f"\n---\n{marker}\n\n", 1)
            start = time.perf_counter()
            with open(path + ".tmp", "w", encoding="utf-8") as f:
                f.write(text)
            os.replace(path + ".tmp", path)
            while marker not in urllib.request.urlopen(base + url_path).read().decode("utf-8"):
                if time.perf_counter() - start > 60:
                    sys.exit("serve did not show the edit")
                time.sleep(0.001)
            times.append((time.perf_counter() - start) * 1000)
            time.sleep(0.3)
    finally:
        with open(path, "w", encoding="utf-8") as f:
            f.write(original)
        time.sleep(0.3)
        proc.terminate()
        proc.wait()
    return times, rebuilds


def summary(times, rebuilds):
    rebuild = f"{statistics.median(rebuilds):.0f} ms" if rebuilds else "not seen"
    return (f"median {statistics.median(times):.0f} ms to the served page (worst {max(times):.0f} ms; "
            f"rebuild {rebuild}; the rest is mostly the watcher's wait for more changes)")


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    binary, root, page_file, url_path = sys.argv[1:5]
    n = int(sys.argv[5]) if len(sys.argv) > 5 else 15
    times, rebuilds = edit_times(binary, root, page_file, url_path, n)
    print(f"{n} edits: {summary(times, rebuilds)}")


if __name__ == "__main__":
    main()
