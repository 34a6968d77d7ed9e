#!/usr/bin/env python3
"""Writes a deterministic playbook of N entities for benchmarks.

The mix follows a large organisation's playbook: mostly strategy pages,
roles and personas with Markdown bodies of 400-600 words (headings, lists,
a table, `@kind/id` links), plus metrics, goals with monthly cascades,
campaigns, budgets and calendars with recurring events.

Usage: gen_playbook.py N OUT [--seed S]
"""

import os
import random
import shutil
import sys

WORDS = (
    "audience brand campaign channel community content conversion engagement "
    "followers growth insight launch message monitor partner post publish reach "
    "report response review schedule share signal story strategy team tone "
    "trend voice weekly monthly quarterly budget target metric owner persona"
).split()


def sentence(rng):
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 16))]
    words[0] = words[0].capitalize()
    if rng.random() < 0.3:
        i = rng.randrange(len(words))
        words[i] = f"**{words[i]}**"
    return " ".join(words) + "."


def paragraph(rng):
    return " ".join(sentence(rng) for _ in range(rng.randint(3, 5)))


def body(rng, links):
    parts = []
    words = 0
    section = 1
    while words < rng.randint(400, 600):
        parts.append(f"## Section {section}\n")
        p = paragraph(rng)
        parts.append(p + "\n")
        words += len(p.split())
        items = [sentence(rng) for _ in range(rng.randint(3, 5))]
        parts.append("\n".join(f"- {i}" for i in items) + "\n")
        words += sum(len(i.split()) for i in items)
        section += 1
    parts.append("| metric | target |\n|---|---|\n| reach | 1200 |\n| posts | 40 |\n")
    parts.append("Related: " + ", ".join(f"[{t}](@{t})" for t in links) + ".\n")
    return "\n".join(parts)


def write(root, rel, text):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    n = int(sys.argv[1])
    out = sys.argv[2]
    seed = int(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[3] == "--seed" else 1
    rng = random.Random(seed)
    shutil.rmtree(out, ignore_errors=True)
    counts = {
        "roles": max(2, n * 20 // 100),
        "personas": max(1, n * 15 // 100),
        "metrics": max(1, n * 5 // 100),
        "goals": max(1, n * 4 // 100),
        "campaigns": max(1, n * 8 // 100),
        "budgets": max(1, n * 1 // 100),
        "calendars": max(1, n * 2 // 100),
    }
    counts["pages"] = max(1, n - sum(counts.values()))
    ids = {k: [f"{k[:-1]}-{i:05d}" for i in range(c)] for k, c in counts.items()}

    def some_links():
        kinds = ["pages", "roles", "personas"]
        return [f"{k}/{rng.choice(ids[k])}" for k in rng.sample(kinds, 3)]

    write(out, "playbook.yaml", (
        "title: Benchmark playbook\ntimezone: Europe/Berlin\ncurrency: EUR\n"
        "default_visibility: public\nchannels:\n  instagram: {name: Instagram}\n  linkedin: {name: LinkedIn}\n"
        "departments:\n  marketing: {name: Marketing, head: role-00000}\n  sales: {name: Sales, intake: sales@example.org}\n"
    ))
    for i, pid in enumerate(ids["pages"]):
        write(out, f"content/pages/{pid}.md", f"---\ntitle: Strategy page {i}\nweight: {i}\n---\n{body(rng, some_links())}")
    for i, rid in enumerate(ids["roles"]):
        boss = f"reports_to: {ids['roles'][(i - 1) // 5]}\n" if i else ""
        write(out, f"content/roles/{rid}.md", (
            f"---\ntitle: Role {i}\ndepartment: marketing\n{boss}summary: Owns part {i} of the plan.\n"
            "responsibilities:\n  - area: Strategy\n    items:\n      - Keep the plan current\n"
            f"      - text: Report results {i}\n        cadence: weekly\n        kpis: [{ids['metrics'][i % len(ids['metrics'])]}]\n"
            "escalations:\n  - {topic: Pricing questions, to: sales}\n"
            f"---\n{body(rng, some_links())}"
        ))
    for i, pid in enumerate(ids["personas"]):
        write(out, f"content/personas/{pid}.md", (
            f"---\nname: Persona {i}\nsummary: A buyer of kind {i}.\nchannels: [instagram]\n"
            f"goals: [Grow without hiring]\n---\n{body(rng, some_links())}"
        ))
    for i, mid in enumerate(ids["metrics"]):
        meas = "".join(f"  - {{date: 2026-{m:02d}-28, value: {1000 + m * 10 + i}}}\n" for m in range(1, 11))
        write(out, f"content/metrics/{mid}.yaml", (
            f"name: Metric {i}\ndefinition: Counted from analytics.\nunit: count\ndirection: increase\n"
            f"aggregation: last\nowner: {ids['roles'][i % len(ids['roles'])]}\nmeasurements:\n{meas}"
        ))
    for i, gid in enumerate(ids["goals"]):
        months = "".join(f"      2026-{m:02d}: {1000 + m * 100}\n" for m in range(1, 13))
        quarters = "".join(f"      2026-Q{q}: {1000 + q * 300}\n" for q in range(1, 5))
        write(out, f"content/goals/{gid}.yaml", (
            f"title: Goal {i}\nperiod: 2026\nowner: {ids['roles'][i % len(ids['roles'])]}\n"
            f"key_results:\n  - id: kr\n    metric: {ids['metrics'][i % len(ids['metrics'])]}\n"
            f"    baseline: 1000\n    target: 2200\n    cascade:\n{quarters}{months}"
        ))
    for i, cid in enumerate(ids["campaigns"]):
        write(out, f"content/campaigns/{cid}.md", (
            f"---\nname: Campaign {i}\nstart: 2026-03-01\nend: 2026-04-15\nowner: {ids['roles'][i % len(ids['roles'])]}\n"
            f"goals: [{ids['goals'][i % len(ids['goals'])]}#kr]\nchannels: [instagram]\nattributed_revenue: 4800\n"
            f"---\n{body(rng, some_links())}"
        ))
    for i, bid in enumerate(ids["budgets"]):
        lines = "".join(
            f"  - {{id: line-{j}, category: paid-ads, channel: instagram, campaign: {ids['campaigns'][(i + j) % len(ids['campaigns'])]}, "
            f"period: 2026-Q{j % 4 + 1}, planned: 1000, actual: 950.50}}\n" for j in range(20))
        write(out, f"content/budgets/{bid}.yaml", (
            f"title: Budget {i}\nperiod: 2026\ntotal: 20000\nowner: {ids['roles'][0]}\nlines:\n{lines}"
        ))
    for i, kid in enumerate(ids["calendars"]):
        events = "".join(
            f"  - {{id: post-{j}, title: Post {j}, type: post, channel: instagram, date: 2026-{j % 12 + 1:02d}-{j % 27 + 1:02d}, status: planned}}\n"
            for j in range(40))
        events += "  - {id: weekly, title: Weekly report, type: report, start: 2026-01-05T09:00, duration: 1h, repeat: FREQ=WEEKLY;BYDAY=MO}\n"
        write(out, f"content/calendars/{kid}.yaml", f"name: Calendar {i}\nevents:\n{events}")


if __name__ == "__main__":
    main()
