#!/usr/bin/env python3
"""Load test of `playbook serve` on loopback: wrk requests a page for some
seconds while its files change underneath (valid edits, an invalid edit, a
template error, each fixed again). Every response must be a whole page with
status 200, the server must answer afterwards, and it must hold at least
MIN_RATE requests per second (a floor far below what it does; the figure is
printed). Responses showing an edit and the error overlay prove that the
rebuilds reached the served page while the load ran. Needs wrk (the Debian package).

    python3 tests/load/serve_load.py [PLAYBOOK_BIN] [SECONDS]
"""
import os, re, shutil, subprocess, sys, tempfile, threading, time, urllib.request

MIN_RATE = 1000
here = os.path.dirname(os.path.abspath(__file__))
repo = os.path.dirname(os.path.dirname(here))
binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(repo, "target", "debug", "playbook")
seconds = int(sys.argv[2]) if len(sys.argv) > 2 else 10


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.status, r.read().decode("utf-8")


def main():
    work = tempfile.mkdtemp(prefix="playbook-load-")
    root = os.path.join(work, "pb")
    subprocess.run([binary, "init", root, "-q"], check=True)
    server = subprocess.Popen(
        [binary, "serve", "--root", root, "--port", "0", "--as-of", "2026-11-28"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = server.stdout.readline()
        port = re.search(r"http://127\.0\.0\.1:(\d+)/", line).group(1)
        base = f"http://127.0.0.1:{port}/"
        page = base + "pages/mission/"
        assert fetch(page)[0] == 200

        # Files change underneath while the load runs: each step is saved,
        # given time to rebuild, and undone.
        mission = os.path.join(root, "content", "pages", "mission.md")
        original = open(mission, encoding="utf-8").read()
        template = os.path.join(root, "templates", "page.html")
        steps = {"edits": 0, "invalid": 0, "template errors": 0}
        stop = threading.Event()

        def save(path, text):
            tmp = path + ".tmp"
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(text)
            os.replace(tmp, path)

        def edit():
            n = 0
            while not stop.is_set():
                n += 1
                save(mission, original.replace("\n---\n", f"\n---\nEdit number {n}.\n\n", 1))
                steps["edits"] += 1
                time.sleep(0.15)
                save(mission, original.replace("title:", "titel:", 1))
                steps["invalid"] += 1
                time.sleep(0.15)
                os.makedirs(os.path.dirname(template), exist_ok=True)
                save(template, "{% extends \"base.html\" %}{% block content %}{{ unclosed {% endblock content %}")
                steps["template errors"] += 1
                time.sleep(0.15)
                os.remove(template)
                save(mission, original)
                time.sleep(0.15)

        editor = threading.Thread(target=edit)
        editor.start()
        wrk = subprocess.run(
            ["wrk", "-t2", "-c32", f"-d{seconds}s", "--timeout", "5s", "-s", os.path.join(here, "check.lua"), page],
            capture_output=True, text=True)
        stop.set()
        editor.join()
        out = wrk.stdout
        print(out.strip())
        print(f"changes made under load: {steps}")
        assert wrk.returncode == 0, wrk.stderr
        rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
        checked, bad, edited, overlay = map(int, re.search(
            r"checked (\d+) responses, (\d+) not a whole page, (\d+) with an edit, (\d+) with the error overlay",
            out).groups())
        problems = []
        if "Socket errors" in out:
            problems.append("socket errors")
        if "Non-2xx" in out:
            problems.append("responses other than 2xx")
        if bad:
            problems.append(f"{bad} responses that were not a whole page")
        if rate < MIN_RATE:
            problems.append(f"{rate:.0f} requests per second, under {MIN_RATE}")
        if min(steps.values()) == 0:
            problems.append("the files did not change during the load")
        if edited == 0 or overlay == 0:
            problems.append("the rebuilds did not reach the served page during the load")
        # Still serving, and the restored page is back.
        time.sleep(1)
        status, body = fetch(page)
        if status != 200 or "Edit number" in body or "</html>" not in body:
            problems.append("the page after the load is not the restored one")
        if server.poll() is not None:
            problems.append("the server stopped")
        if problems:
            sys.exit("serve load test failed: " + "; ".join(problems))
        print(f"serve held {rate:.0f} requests per second over {checked} checked responses")
    finally:
        server.kill()
        server.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
