#!/usr/bin/env python3
"""Writes a deterministic playbook of N Markdown entities for benchmarks,
or the same N Markdown pages as a Hugo or Zola site.

The playbook follows a large organisation's: strategy pages, roles,
personas and campaigns with Markdown bodies of 400-600 words (an intro,
four sections with a sub-section, two lists, a four-column table,
emphasis, and three `@kind/id` links), plus YAML data on top of the N:
metrics, goals with quarterly and monthly cascades, budgets, and calendars
with dated and weekly recurring events.

A peer site (`--peer hugo|zola`) holds one page per Markdown entity of
the playbook with the same body byte for byte, but for the links, which
point to the peer's page URLs; its templates show the title, the fields
and the body, and one list page links every page.

Usage: gen_playbook.py N OUT [--seed S] [--peer hugo|zola]
"""

import argparse
import os
import random
import shutil

WORDS = (
    "audience brand campaign channel community content conversion engagement "
    "followers growth insight launch message monitor partner post publish reach "
    "report response review schedule share signal story strategy team tone "
    "trend voice weekly monthly quarterly budget target metric owner persona"
).split()
CHANNELS = ["Instagram", "LinkedIn", "TikTok", "YouTube", "Threads", "Mastodon"]


def sentence(rng):
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 16))]
    words[0] = words[0].capitalize()
    r = rng.random()
    i = rng.randrange(len(words))
    if r < 0.2:
        words[i] = f"**{words[i]}**"
    elif r < 0.35:
        words[i] = f"*{words[i]}*"
    elif r < 0.4:
        words[i] = f"***{words[i]}***"
    return " ".join(words) + "."


def paragraph(rng, lo=3, hi=5):
    return " ".join(sentence(rng) for _ in range(rng.randint(lo, hi)))


def bullets(rng):
    return "\n".join(f"- {sentence(rng)}" for _ in range(rng.randint(3, 5)))


def table(rng):
    rows = [f"| {rng.choice(CHANNELS)} | {rng.randint(100, 9999)} | {rng.randint(1, 40)}% | {rng.choice(WORDS)} |"
            for _ in range(rng.randint(3, 5))]
    return "| channel | reach | growth | focus |\n|---|--:|--:|---|\n" + "\n".join(rows)


def body(rng, links):
    """A body of about 500 words; `links` are (text, kind/id) pairs."""
    parts = [paragraph(rng)]
    for section in range(1, 5):
        parts.append(f"## Section {section}")
        parts.append(paragraph(rng, 4, 6))
        if section in (1, 3):
            parts.append(bullets(rng))
        if section == 2:
            parts.append("### Details")
            parts.append(paragraph(rng, 2, 4))
            parts.append(table(rng))
    parts.append("Related: " + ", ".join(f"[{t}](@{target})" for t, target in links) + ".")
    return "\n\n".join(parts) + "\n"


def write(root, rel, text):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def counts_for(n):
    """N Markdown entities, and YAML data in proportion."""
    md = {"roles": n * 23 // 100, "personas": n * 17 // 100, "campaigns": n * 9 // 100}
    md = {k: max(1, v) for k, v in md.items()}
    md["pages"] = max(1, n - sum(md.values()))
    data = {"metrics": n * 6 // 100, "goals": n * 5 // 100, "budgets": n // 100, "calendars": n * 2 // 100}
    return md, {k: max(1, v) for k, v in data.items()}


def playbook(n, seed):
    """The files of the playbook: {relative path: text}, and the Markdown
    entities as (kind, id, title, front matter fields, body)."""
    rng = random.Random(seed)
    md, data = counts_for(n)
    ids = {k: [f"{k[:-1]}-{i:05d}" for i in range(c)] for k, c in {**md, **data}.items()}
    files = {}
    entities = []

    def some_links():
        kinds = ["pages", "roles", "personas"]
        return [(f"{k[:-1]} {i}", f"{k}/{rng.choice(ids[k])}") for i, k in enumerate(rng.sample(kinds, 3))]

    files["playbook.yaml"] = (
        "title: Benchmark playbook\ntimezone: Europe/Berlin\ncurrency: EUR\n"
        "default_visibility: public\nchannels:\n  instagram: {name: Instagram}\n  linkedin: {name: LinkedIn}\n"
        "departments:\n  marketing: {name: Marketing, head: role-00000}\n  sales: {name: Sales, intake: sales@example.org}\n"
    )

    def entity(kind, eid, title, fields, text):
        files[f"content/{kind}/{eid}.md"] = f"---\n{fields}---\n{text}"
        entities.append((kind, eid, title, text))

    for i, pid in enumerate(ids["pages"]):
        entity("pages", pid, f"Strategy page {i}", f"title: Strategy page {i}\nweight: {i}\n", body(rng, some_links()))
    for i, rid in enumerate(ids["roles"]):
        boss = f"reports_to: {ids['roles'][(i - 1) // 5]}\n" if i else ""
        entity("roles", rid, f"Role {i}", (
            f"title: Role {i}\ndepartment: marketing\n{boss}summary: Owns part {i} of the plan.\n"
            "responsibilities:\n  - area: Strategy\n    items:\n      - Keep the plan current\n"
            f"      - text: Report results {i}\n        cadence: weekly\n        kpis: [{ids['metrics'][i % len(ids['metrics'])]}]\n"
            "escalations:\n  - {topic: Pricing questions, to: sales}\n"
        ), body(rng, some_links()))
    for i, pid in enumerate(ids["personas"]):
        entity("personas", pid, f"Persona {i}", (
            f"name: Persona {i}\nsummary: A buyer of kind {i}.\nchannels: [instagram]\n"
            "goals: [Grow without hiring]\n"
        ), body(rng, some_links()))
    for i, cid in enumerate(ids["campaigns"]):
        entity("campaigns", cid, f"Campaign {i}", (
            f"name: Campaign {i}\nstart: 2026-03-01\nend: 2026-04-15\nowner: {ids['roles'][i % len(ids['roles'])]}\n"
            f"goals: [{ids['goals'][i % len(ids['goals'])]}#kr]\nchannels: [instagram]\nattributed_revenue: 4800\n"
        ), body(rng, some_links()))
    for i, mid in enumerate(ids["metrics"]):
        meas = "".join(f"  - {{date: 2026-{m:02d}-28, value: {1000 + m * 10 + i}}}\n" for m in range(1, 11))
        files[f"content/metrics/{mid}.yaml"] = (
            f"name: Metric {i}\ndefinition: Counted from analytics.\nunit: count\ndirection: increase\n"
            f"aggregation: last\nowner: {ids['roles'][i % len(ids['roles'])]}\nmeasurements:\n{meas}"
        )
    for i, gid in enumerate(ids["goals"]):
        months = "".join(f"      2026-{m:02d}: {1000 + m * 100}\n" for m in range(1, 13))
        quarters = "".join(f"      2026-Q{q}: {1000 + q * 300}\n" for q in range(1, 5))
        files[f"content/goals/{gid}.yaml"] = (
            f"title: Goal {i}\nperiod: 2026\nowner: {ids['roles'][i % len(ids['roles'])]}\n"
            f"key_results:\n  - id: kr\n    metric: {ids['metrics'][i % len(ids['metrics'])]}\n"
            f"    baseline: 1000\n    target: 2200\n    cascade:\n{quarters}{months}"
        )
    for i, bid in enumerate(ids["budgets"]):
        lines = "".join(
            f"  - {{id: line-{j}, category: paid-ads, channel: instagram, campaign: {ids['campaigns'][(i + j) % len(ids['campaigns'])]}, "
            f"period: 2026-Q{j % 4 + 1}, planned: 1000, actual: 950.50}}\n" for j in range(20))
        files[f"content/budgets/{bid}.yaml"] = (
            f"title: Budget {i}\nperiod: 2026\ntotal: 20000\nowner: {ids['roles'][0]}\nlines:\n{lines}"
        )
    for i, kid in enumerate(ids["calendars"]):
        events = "".join(
            f"  - {{id: post-{j}, title: Post {j}, type: post, channel: instagram, date: 2026-{j % 12 + 1:02d}-{j % 27 + 1:02d}, status: planned}}\n"
            for j in range(40))
        events += "  - {id: weekly, title: Weekly report, type: report, start: 2026-01-05T09:00, duration: 1h, repeat: FREQ=WEEKLY;BYDAY=MO}\n"
        files[f"content/calendars/{kid}.yaml"] = f"name: Calendar {i}\nevents:\n{events}"
    return files, entities


def peer_links(text, url):
    """`@kind/id` links of a body as the peer's page URLs."""
    out = []
    for part in text.split("](@"):
        if out:
            target, rest = part.split(")", 1)
            part = url(target.split("/", 1)[1]) + ")" + rest
        out.append(part)
    return "](".join(out)


HUGO_CONFIG = """baseURL = "http://localhost/"
title = "Benchmark playbook"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
"""
HUGO_BASEOF = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} | {{ .Site.Title }}</title></head>
<body><header><a href="/">{{ .Site.Title }}</a></header><main>{{ block "main" . }}{{ end }}</main></body></html>
"""
HUGO_SINGLE = """{{ define "main" }}<article><h1>{{ .Title }}</h1>
<p class="meta">{{ .Params.kind }} &middot; {{ .Date.Format "2006-01-02" }}</p>
{{ .Content }}</article>{{ end }}
"""
HUGO_LIST = """{{ define "main" }}<h1>{{ .Title }}</h1><ul>
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}</ul>{{ end }}
"""
HUGO_HOME = """{{ define "main" }}<h1>{{ .Site.Title }}</h1><p><a href="/pages/">All pages</a></p>{{ end }}
"""
ZOLA_CONFIG = """base_url = "http://localhost"
title = "Benchmark playbook"
compile_sass = false
build_search_index = false
generate_feeds = false
generate_sitemap = false
generate_robots_txt = false
"""
ZOLA_BASE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{% block title %}{{ config.title }}{% endblock title %}</title></head>
<body><header><a href="/">{{ config.title }}</a></header><main>{% block content %}{% endblock content %}</main></body></html>
"""
ZOLA_PAGE = """{% extends "base.html" %}{% block title %}{{ page.title }} | {{ config.title }}{% endblock title %}
{% block content %}<article><h1>{{ page.title }}</h1>
<p class="meta">{{ page.extra.kind }} &middot; {{ page.date | date(format="%Y-%m-%d") }}</p>
{{ page.content | safe }}</article>{% endblock content %}
"""
ZOLA_SECTION = """{% extends "base.html" %}{% block content %}<h1>{{ section.title }}</h1><ul>
{% for p in section.pages %}<li><a href="{{ p.path }}">{{ p.title }}</a></li>
{% endfor %}</ul>{% endblock content %}
"""
ZOLA_HOME = """{% extends "base.html" %}{% block content %}<h1>{{ config.title }}</h1><p><a href="/pages/">All pages</a></p>{% endblock content %}
"""


# Per peer: its configuration and templates, its two section files, and
# the front matter of a page.
PEERS = {
    "hugo": {
        "files": {
            "hugo.toml": HUGO_CONFIG,
            "layouts/_default/baseof.html": HUGO_BASEOF,
            "layouts/_default/single.html": HUGO_SINGLE,
            "layouts/_default/list.html": HUGO_LIST,
            "layouts/index.html": HUGO_HOME,
            "content/_index.md": "---\ntitle: Benchmark playbook\n---\n",
            "content/pages/_index.md": "---\ntitle: All pages\n---\n",
        },
        "front": lambda kind, title: f"---\ntitle: {title}\ndate: 2026-03-01\nkind: {kind}\n---\n",
    },
    "zola": {
        "files": {
            "config.toml": ZOLA_CONFIG,
            "templates/base.html": ZOLA_BASE,
            "templates/page.html": ZOLA_PAGE,
            "templates/section.html": ZOLA_SECTION,
            "templates/index.html": ZOLA_HOME,
            "content/_index.md": "+++\ntitle = \"Benchmark playbook\"\n+++\n",
            "content/pages/_index.md": "+++\ntitle = \"All pages\"\n+++\n",
        },
        "front": lambda kind, title: (
            f"+++\ntitle = \"{title}\"\ndate = 2026-03-01\n\n[extra]\nkind = \"{kind}\"\n+++\n"),
    },
}


def write_peer(peer, entities, out):
    spec = PEERS[peer]
    for rel, text in spec["files"].items():
        write(out, rel, text)
    url = lambda eid: f"/pages/{eid}/"
    for kind, eid, title, text in entities:
        write(out, f"content/pages/{eid}.md", spec["front"](kind, title) + peer_links(text, url))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="Markdown entities")
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--peer", choices=["hugo", "zola"])
    args = ap.parse_args()
    files, entities = playbook(args.n, args.seed)
    shutil.rmtree(args.out, ignore_errors=True)
    if args.peer:
        write_peer(args.peer, entities, args.out)
    else:
        for rel, text in files.items():
            write(args.out, rel, text)


if __name__ == "__main__":
    main()
