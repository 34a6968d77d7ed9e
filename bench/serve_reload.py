#!/usr/bin/env python3
"""Edit-to-updated-page latency of `playbook serve`.

Starts `playbook serve` on a playbook, then N times: saves an edit to one
page (atomically, as editors do) and polls the served page every 2 ms until
it shows the edit. Prints the median and the worst time.

Usage: serve_reload.py PLAYBOOK_BIN ROOT PAGE_FILE PAGE_URL_PATH [N]
"""
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.request


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    binary, root, page_file, url_path = sys.argv[1:5]
    n = int(sys.argv[5]) if len(sys.argv) > 5 else 15
    proc = subprocess.Popen([binary, "serve", "--port", "0", "--root", root, "--as-of", "2026-11-28"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = proc.stdout.readline()
        base = re.search(r"http://127\.0\.0\.1:\d+/", line).group(0)
        path = os.path.join(root, page_file)
        original = open(path, encoding="utf-8").read()
        times = []
        for i in range(n):
            marker = f"Bench edit number {i} at {time.time_ns()}"
            text = original.replace("\n---\n", f"\n---\n{marker}\n\n", 1)
            start = time.perf_counter()
            with open(path + ".tmp", "w", encoding="utf-8") as f:
                f.write(text)
            os.replace(path + ".tmp", path)
            while True:
                body = urllib.request.urlopen(base + url_path).read().decode("utf-8")
                if marker in body:
                    break
                if time.perf_counter() - start > 30:
                    sys.exit("timed out")
                time.sleep(0.002)
            times.append((time.perf_counter() - start) * 1000)
            time.sleep(0.3)
        with open(path, "w", encoding="utf-8") as f:
            f.write(original)
        print(f"edit to updated page: median {statistics.median(times):.0f} ms, worst {max(times):.0f} ms "
              f"({n} edits; includes the watcher's 40 ms debounce)")
    finally:
        proc.terminate()


if __name__ == "__main__":
    main()
