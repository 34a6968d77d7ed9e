#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpora (fuzz/seeds/TARGET/) from the
sample playbook, the examples and the test fixtures. Run from anywhere;
the seeds are committed, so this is needed only when those files change.
Seeds not named by their hash (inputs fuzzing found) are kept."""
import hashlib, pathlib, re

fuzz = pathlib.Path(__file__).resolve().parent
repo = fuzz.parent
roots = [repo, *sorted((repo / "examples").iterdir()), *sorted((repo / "tests/fixtures").glob("*")),
         *sorted((repo / "tests/fixtures").glob("*/*"))]

# The entity target's first byte picks the file (see fuzz_targets/entity.rs).
TARGETS = ["playbook.yaml", "content/index.md", "pages", "personas", "metrics", "goals",
           "campaigns", "budgets", "roles", "calendars"]

seeds = {t: set() for t in ["frontmatter", "entity", "scalars", "rrule", "links", "markdown"]}
for root in roots:
    if not (root / "playbook.yaml").is_file() and not (root / "content").is_dir():
        continue
    files = [root / "playbook.yaml"] if (root / "playbook.yaml").is_file() else []
    files += sorted(p for p in (root / "content").rglob("*") if p.is_file()) if (root / "content").is_dir() else []
    for path in files:
        raw = path.read_bytes()
        rel = path.relative_to(root).as_posix()
        kind = rel.split("/")[1] if rel.count("/") >= 2 else rel
        if kind in TARGETS:
            seeds["entity"].add(bytes([TARGETS.index(kind)]) + raw)
        text = raw.decode("utf-8", "replace")
        if path.suffix == ".md":
            seeds["frontmatter"].add(raw)
            body = re.split(r"^---\s*$", text, maxsplit=2, flags=re.M)[-1]
            seeds["markdown"].add(body.encode())
            seeds["links"].add(body.encode())
        for m in re.finditer(r"^\s*(?:-\s*)?(?:repeat|cadence):\s*(\S+)\s*$", text, re.M):
            seeds["rrule"].add(b"\x07\x10\x00" + m.group(1).encode())
        for m in re.finditer(r":\s*\"?([0-9A-Z][0-9A-Za-z.:+\-]{1,30})\"?\s*$", text, re.M):
            seeds["scalars"].add(m.group(1).encode())
for name, items in seeds.items():
    out = fuzz / "seeds" / name
    out.mkdir(parents=True, exist_ok=True)
    # Generated seeds are named by their hash; inputs that fuzzing found
    # (named by what they show) stay.
    for old in out.iterdir():
        if re.fullmatch(r"[0-9a-f]{40}", old.name):
            old.unlink()
    for item in items:
        (out / hashlib.sha1(item).hexdigest()).write_bytes(item)
    print(f"{name}: {len(items)} seeds")
