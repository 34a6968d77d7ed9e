//! `playbook build`, `init` and `new` through the real binary: the pages of
//! the site, determinism, safe writes, public builds, themes and snapshots
//! of what readers see.

mod common;

use common::repo;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

const AS_OF: &str = "2026-11-28";

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("playbook-site-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn playbook(args: &[&str], cwd: &Path) -> Output {
    common::playbook_command()
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("the binary runs")
}

fn build(root: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "build",
        "--root",
        root.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--as-of",
        AS_OF,
    ];
    args.extend_from_slice(extra);
    playbook(&args, &repo())
}

fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                out.insert(
                    p.strip_prefix(base).unwrap().to_string_lossy().into_owned(),
                    std::fs::read(&p).unwrap(),
                );
            }
        }
    }
    walk(dir, dir, &mut out);
    out
}

/// A copy of the sample playbook, to change freely.
fn sample_copy(name: &str) -> PathBuf {
    let dir = temp(name);
    common::copy_sample(&dir);
    dir
}

/// The sample's site, built once per test binary.
fn sample_site() -> &'static BTreeMap<String, Vec<u8>> {
    static SITE: std::sync::OnceLock<BTreeMap<String, Vec<u8>>> = std::sync::OnceLock::new();
    SITE.get_or_init(|| {
        let out = temp("sample");
        let o = build(&repo(), &out, &[]);
        assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
        let tree = read_tree(&out);
        std::fs::remove_dir_all(&out).unwrap();
        tree
    })
}

fn page(path: &str) -> String {
    String::from_utf8(
        sample_site()
            .get(path)
            .unwrap_or_else(|| panic!("no {path}"))
            .clone(),
    )
    .unwrap()
}

/// The `<main>` element of a page.
fn main_of(html: &str) -> &str {
    let start = html.find("<main").expect("a main element");
    let end = html.find("</main>").expect("a closed main") + "</main>".len();
    &html[start..end]
}

#[test]
fn every_url_of_the_site_exists() {
    let site = sample_site();
    for path in [
        "index.html",
        "pages/mission/index.html",
        "personas/index.html",
        "personas/busy-brand-owner/index.html",
        "goals/index.html",
        "goals/grow-audience/index.html",
        "metrics/index.html",
        "metrics/total-followers/index.html",
        "campaigns/index.html",
        "campaigns/spring-launch/index.html",
        "budgets/index.html",
        "budgets/social-media-2026/index.html",
        "roles/index.html",
        "roles/social-media-manager/index.html",
        "roles/social-media-manager/duties.ics",
        "jobs/index.html",
        "routing/index.html",
        "raci/index.html",
        "schedule/index.html",
        "schedule/roles/social-media-manager/index.html",
        "schedule/campaigns/spring-launch/index.html",
        "calendars/editorial.ics",
        "search/index.html",
        "search/index.js",
        "sitemap.xml",
        "404.html",
        "playbook.json",
        "style.css",
        "search.js",
        "vendor/minisearch.js",
    ] {
        assert!(site.contains_key(path), "missing {path}");
    }
}

#[test]
fn internal_links_are_relative() {
    for (path, bytes) in sample_site() {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(bytes);
        for attr in ["href=\"", "src=\""] {
            for part in html.split(attr).skip(1) {
                let url = &part[..part.find('"').unwrap()];
                let absolute_ok =
                    url.starts_with("https://") || url.starts_with("http://") || url.starts_with("mailto:");
                assert!(!url.starts_with('/'), "{path}: root-absolute link {url}");
                if !absolute_ok && !url.starts_with('#') {
                    // Every relative link points to a file of the site.
                    let base = Path::new(path).parent().unwrap();
                    let target = url.split('#').next().unwrap().split('?').next().unwrap();
                    let mut joined = PathBuf::new();
                    for c in base.join(target).components() {
                        match c {
                            std::path::Component::ParentDir => {
                                joined.pop();
                            }
                            std::path::Component::Normal(n) => joined.push(n),
                            _ => {}
                        }
                    }
                    let key = joined.to_string_lossy().into_owned();
                    assert!(
                        sample_site().contains_key(&key),
                        "{path}: broken link {url} ({key})"
                    );
                }
            }
        }
    }
}

#[test]
fn entity_pages_list_what_references_them() {
    let html = page("roles/social-media-manager/index.html");
    let refs = &html[html.find("Referenced by").expect("a referenced-by list")..];
    assert!(refs.contains("goals/grow-audience/index.html"));
    assert!(refs.contains("metrics/total-followers/index.html"));
}

#[test]
fn open_roles_carry_job_posting_json_ld() {
    let html = page("roles/social-media-manager/index.html");
    let start = html
        .find("<script type=\"application/ld+json\">")
        .expect("JSON-LD")
        + 35;
    let end = start + html[start..].find("</script>").unwrap();
    let json: serde_json::Value = serde_json::from_str(&html[start..end]).unwrap();
    for key in [
        "title",
        "description",
        "datePosted",
        "validThrough",
        "employmentType",
        "hiringOrganization",
        "jobLocation",
        "baseSalary",
        "identifier",
        "directApply",
        "responsibilities",
        "qualifications",
        "skills",
        "educationRequirements",
        "experienceRequirements",
    ] {
        assert!(json.get(key).is_some(), "JobPosting lacks {key}");
    }
    assert_eq!(json["@type"], "JobPosting");
    insta::assert_snapshot!("job_posting", &html[start..end]);
    // Closed roles have none.
    assert!(!page("roles/sales-lead/index.html").contains("application/ld+json"));
}

#[test]
fn snapshots_of_key_pages() {
    for (name, path) in [
        ("home", "index.html"),
        ("role", "roles/social-media-manager/index.html"),
        ("goal", "goals/grow-audience/index.html"),
        ("budget", "budgets/social-media-2026/index.html"),
        ("routing", "routing/index.html"),
    ] {
        insta::assert_snapshot!(format!("main_{name}"), main_of(&page(path)));
    }
}

#[test]
fn snapshot_of_a_feed() {
    let ics = page("calendars/editorial.ics");
    assert!(ics.contains("\r\n"));
    assert!(
        ics.lines().all(|l| l.len() <= 76),
        "lines are folded at 75 octets"
    );
    insta::assert_snapshot!("editorial_ics", ics);
}

#[test]
fn builds_are_byte_identical_and_rebuilds_write_nothing() {
    let out = temp("determinism");
    let first = build(&repo(), &out, &[]);
    assert_eq!(first.status.code(), Some(0));
    let tree = read_tree(&out);
    assert_eq!(
        &tree
            .iter()
            .filter(|(k, _)| !k.starts_with('.'))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect::<BTreeMap<_, _>>(),
        &sample_site()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .filter(|(k, _)| !k.starts_with('.'))
            .collect::<BTreeMap<_, _>>()
    );
    let second = build(&repo(), &out, &[]);
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(stderr.contains("(0 written,"), "{stderr}");
    assert_eq!(read_tree(&out), tree);
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn a_failed_build_leaves_the_previous_site_untouched() {
    let root = sample_copy("failed");
    let out = root.join("public");
    assert_eq!(build(&root, &out, &[]).status.code(), Some(0));
    let before = read_tree(&out);
    let role = root.join("content/roles/social-media-manager.md");
    let text =
        std::fs::read_to_string(&role)
            .unwrap()
            .replacen("department: marketing", "department: nowhere", 1);
    std::fs::write(&role, text).unwrap();
    std::fs::write(
        root.join("content/pages/new-page.md"),
        "---\ntitle: New\n---\nNew page.\n",
    )
    .unwrap();
    let failed = build(&root, &out, &[]);
    assert_eq!(failed.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&failed.stderr).contains("unknown department"));
    assert_eq!(read_tree(&out), before, "nothing changed");
    std::fs::remove_dir_all(&root).unwrap();
}

/// A template that fails while pages are already being written: the files
/// written aside are removed and the previous site stays as it was.
#[test]
fn a_build_that_fails_while_rendering_leaves_the_previous_site_untouched() {
    let root = sample_copy("failed-render");
    let out = root.join("public");
    assert_eq!(build(&root, &out, &[]).status.code(), Some(0));
    let before = read_tree(&out);
    // Every page changes (the site title is on each), and role pages fail.
    let settings = root.join("playbook.yaml");
    let text = std::fs::read_to_string(&settings).unwrap();
    std::fs::write(&settings, text.replacen("title: ", "title: Renamed ", 1)).unwrap();
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(
        root.join("templates/role.html"),
        "{{ page.title }} {{ no_such_value.field }}",
    )
    .unwrap();
    let failed = build(&root, &out, &[]);
    assert_ne!(failed.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&failed.stderr).contains("role.html"),
        "{}",
        String::from_utf8_lossy(&failed.stderr)
    );
    assert_eq!(read_tree(&out), before, "nothing changed, nothing left aside");
    std::fs::remove_dir_all(&root).unwrap();
}

/// Fields that hold text, even of one word (other one-word values are ids,
/// kinds and codes, which a marker would make invalid).
const TEXT_KEYS: &[&str] = &[
    "title",
    "name",
    "summary",
    "description",
    "text",
    "topic",
    "note",
    "definition",
    "area",
];

#[test]
fn a_public_build_holds_nothing_internal() {
    let root = sample_copy("public");
    // Plant a marker of its own in every text of every internal entity:
    // each text field of its YAML, and its Markdown body.
    let mut planted = 0;
    let mut files = 0;
    for entry in walk(&root.join("content")) {
        let text = std::fs::read_to_string(&entry).unwrap();
        if text.contains("visibility: public") {
            continue;
        }
        let id = entry.file_stem().unwrap().to_string_lossy().into_owned();
        let markdown = entry.extension().is_some_and(|e| e == "md");
        let mut changed = String::new();
        let mut in_yaml = !markdown;
        let mut fences = 0;
        let mut block = false;
        for line in text.lines() {
            let mut line = line.to_owned();
            if markdown && line == "---" {
                fences += 1;
                in_yaml = fences == 1;
            } else if in_yaml {
                let trimmed = line.trim_start();
                let indent = line.len() - trimmed.len();
                if block && !trimmed.is_empty() {
                    // The first line of a block scalar.
                    line.insert_str(indent, &format!("ZZLEAK{planted}X "));
                    planted += 1;
                    block = false;
                } else if let Some((key, value)) = trimmed.trim_start_matches("- ").split_once(": ")
                    && !key.contains(' ')
                    && !key.starts_with('#')
                {
                    let at = line.len() - value.len();
                    if value.starts_with('|') || value.starts_with('>') {
                        block = true;
                    } else if value.starts_with('"') {
                        line.insert_str(at + 1, &format!("ZZLEAK{planted}X "));
                        planted += 1;
                    } else if (value.contains(' ') || TEXT_KEYS.contains(&key.trim_start_matches("- ")))
                        && !value.starts_with(['[', '{', '#'])
                        && !value.starts_with(|c: char| c.is_ascii_digit())
                    {
                        line.insert_str(at, &format!("ZZLEAK{planted}X "));
                        planted += 1;
                    }
                }
            }
            changed.push_str(&line);
            changed.push('\n');
        }
        if markdown {
            changed.push_str(&format!("\nZZLEAK{planted}X in the body of {id}.\n"));
            planted += 1;
        }
        std::fs::write(&entry, changed).unwrap();
        files += 1;
    }
    assert!(
        files > 10 && planted > 80,
        "the sample has internal entities: {files} files, {planted} texts"
    );
    let out = root.join("public-site");
    let o = build(&root, &out, &["--public"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    for (path, bytes) in read_tree(&out) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("ZZLEAK"), "{path} holds internal data");
        // Amounts of the internal budget appear nowhere either.
        assert!(
            !text.contains("120,000") && !text.contains("120000"),
            "{path} holds the internal budget total"
        );
    }
    // The markers are where a full build shows them: nearly every one.
    let full = root.join("full-site");
    let o = build(&root, &full, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let shown: std::collections::BTreeSet<usize> = read_tree(&full)
        .values()
        .flat_map(|bytes| {
            let text = String::from_utf8_lossy(bytes).into_owned();
            text.match_indices("ZZLEAK")
                .filter_map(|(at, _)| {
                    let digits: String = text[at + 6..]
                        .chars()
                        .take_while(|c| c.is_ascii_digit())
                        .collect();
                    digits.parse().ok()
                })
                .collect::<Vec<usize>>()
        })
        .collect();
    assert!(
        shown.len() * 10 >= planted * 9,
        "{} of {planted} markers in the full site",
        shown.len()
    );
    std::fs::remove_dir_all(&root).unwrap();
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

#[test]
fn a_playbook_overrides_templates_and_adds_static_files() {
    let root = sample_copy("theme");
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::create_dir_all(root.join("static/img")).unwrap();
    std::fs::write(
        root.join("templates/page.html"),
        "{% extends \"base.html\" %}{% block content %}<h1>Custom: {{ page.title }}</h1>{{ data.body | safe }}{% endblock content %}",
    )
    .unwrap();
    std::fs::write(
        root.join("static/img/logo.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    )
    .unwrap();
    let out = root.join("public");
    assert_eq!(build(&root, &out, &[]).status.code(), Some(0));
    let html = std::fs::read_to_string(out.join("pages/mission/index.html")).unwrap();
    assert!(html.contains("<h1>Custom: Our mission"), "{}", main_of(&html));
    assert!(out.join("img/logo.svg").is_file());
    // A template error is a clear failure, and the old site stays.
    std::fs::write(root.join("templates/page.html"), "{% if %}").unwrap();
    let o = build(&root, &out, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("page.html"));
    assert!(
        std::fs::read_to_string(out.join("pages/mission/index.html"))
            .unwrap()
            .contains("Custom:")
    );
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn a_template_looping_over_a_map_meets_its_keys_in_field_order() {
    let root = sample_copy("map-order");
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(
        root.join("templates/page.html"),
        "{% extends \"base.html\" %}{% block content %}<ol id=\"keys\">{% for k, v in page %}<li>{{ k }}</li>{% endfor %}</ol>{% endblock content %}",
    )
    .unwrap();
    let keys = |out: &Path| {
        let html = std::fs::read_to_string(out.join("pages/mission/index.html")).unwrap();
        let at = html.find("<ol id=\"keys\">").expect("the list");
        let end = html[at..].find("</ol>").expect("its end") + at;
        html[at..end].to_owned()
    };
    let (first, second) = (root.join("first"), root.join("second"));
    assert_eq!(build(&root, &first, &[]).status.code(), Some(0));
    assert_eq!(build(&root, &second, &[]).status.code(), Some(0));
    // The order the fields are declared in (`src/render/context.rs`).
    let expected = [
        "title",
        "description",
        "section",
        "root",
        "path",
        "canonical",
        "toc",
        "referenced_by",
        "json_ld",
        "feeds",
    ]
    .map(|k| format!("<li>{k}</li>"))
    .concat();
    assert_eq!(keys(&first), format!("<ol id=\"keys\">{expected}"));
    assert_eq!(read_tree(&first), read_tree(&second));
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn init_writes_a_playbook_that_checks_and_builds() {
    let dir = temp("init");
    let o = playbook(&["init", dir.to_str().unwrap()], &repo());
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let check = playbook(
        &[
            "check",
            "--root",
            dir.to_str().unwrap(),
            "--as-of",
            AS_OF,
            "--deny-warnings",
        ],
        &repo(),
    );
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    assert_eq!(build(&dir, &dir.join("public"), &[]).status.code(), Some(0));
    // A second init refuses to overwrite.
    let again = playbook(&["init", dir.to_str().unwrap()], &repo());
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already holds"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_embedded_sample_and_theme_equal_the_files_on_disk() {
    assert_eq!(
        playbook::embedded::SAMPLE_SETTINGS,
        std::fs::read_to_string(repo().join("playbook.yaml")).unwrap()
    );
    for (path, bytes) in playbook::embedded::files(&playbook::embedded::SAMPLE_CONTENT) {
        assert_eq!(
            std::fs::read(repo().join("content").join(&path)).unwrap(),
            bytes,
            "content/{path}"
        );
    }
    for (path, bytes) in playbook::embedded::files(&playbook::embedded::DEFAULT_THEME) {
        assert_eq!(
            std::fs::read(repo().join("themes/default").join(&path)).unwrap(),
            bytes,
            "themes/default/{path}"
        );
    }
}

#[test]
fn new_writes_stubs_that_check_clean_and_never_overwrites() {
    let dir = temp("new");
    assert_eq!(
        playbook(&["init", dir.to_str().unwrap(), "-q"], &repo())
            .status
            .code(),
        Some(0)
    );
    for kind in [
        "page", "persona", "metric", "goal", "campaign", "budget", "role", "calendar",
    ] {
        let o = playbook(&["new", kind, &format!("stub-{kind}"), "--as-of", AS_OF], &dir);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{kind}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let check = playbook(
        &["check", "--as-of", AS_OF, "--deny-warnings", "--format", "json"],
        &dir,
    );
    assert_eq!(String::from_utf8_lossy(&check.stdout), "");
    assert_eq!(check.status.code(), Some(0));
    let again = playbook(&["new", "role", "stub-role"], &dir);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    let bad = playbook(&["new", "rol", "x"], &dir);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("did you mean `role`?"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn every_example_builds() {
    let Ok(entries) = std::fs::read_dir(repo().join("examples")) else {
        return;
    };
    for entry in entries {
        let dir = entry.unwrap().path();
        if !dir.join("playbook.yaml").is_file() {
            continue;
        }
        let out = temp(&format!("example-{}", dir.file_name().unwrap().to_string_lossy()));
        for extra in [&[][..], &["--public"]] {
            let o = build(&dir, &out, extra);
            assert_eq!(
                o.status.code(),
                Some(0),
                "{}: {}",
                dir.display(),
                String::from_utf8_lossy(&o.stderr)
            );
        }
        std::fs::remove_dir_all(&out).unwrap();
    }
}

#[test]
fn public_builds_drop_links_ids_and_names_of_internal_entities() {
    let root = temp("public-links");
    let files: &[(&str, &str)] = &[
        (
            "playbook.yaml",
            "title: T\ndefault_visibility: internal\ndepartments:\n  team: {name: Team, head: lead}\n",
        ),
        (
            "content/index.md",
            "---\n---\nZZLEAK intro of an internal home page.\n",
        ),
        (
            "content/pages/open.md",
            "---\ntitle: Open\nvisibility: public\n---\nSee [the plan](@goals/zzleak-goal#kr) and ![chart](@budgets/zzleak-budget).\n",
        ),
        (
            "content/roles/lead.md",
            "---\ntitle: Lead\ndepartment: team\nsummary: Leads.\nvisibility: public\nresponsibilities:\n  - area: Work\n    items: [Lead the team]\nkpis: [zzleak-metric]\n---\nOwns [the goal](@goals/zzleak-goal).\n",
        ),
        (
            "content/metrics/zzleak-metric.yaml",
            "name: ZZLEAK metric name\ndefinition: Secret.\nunit: count\ndirection: increase\naggregation: last\nowner: lead\nmeasurements:\n  - {date: 2026-01-31, value: 777123}\n",
        ),
        (
            "content/goals/public-goal.yaml",
            "title: Public goal\nperiod: 2026\nowner: lead\nvisibility: public\nkey_results:\n  - {id: kr, metric: zzleak-metric, baseline: 0, target: 10}\n",
        ),
        (
            "content/goals/zzleak-goal.yaml",
            "title: ZZLEAK goal\nperiod: 2026\nowner: lead\nkey_results:\n  - {id: kr, metric: zzleak-metric, baseline: 0, target: 5}\n",
        ),
        (
            "content/budgets/zzleak-budget.yaml",
            "title: ZZLEAK budget\nperiod: 2026\ntotal: 999\nlines:\n  - {id: a, category: tools, planned: 5}\n",
        ),
    ];
    for (path, text) in files {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let out = root.join("out");
    let o = build(&root, &out, &["--public"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    for (path, bytes) in read_tree(&out) {
        let text = String::from_utf8_lossy(&bytes).to_lowercase();
        for needle in ["zzleak", "777123", "777,123"] {
            assert!(!text.contains(needle), "{path} holds `{needle}`");
        }
    }
    let page = std::fs::read_to_string(out.join("pages/open/index.html")).unwrap();
    assert!(
        page.contains("See the plan and chart."),
        "link texts stay: {}",
        main_of(&page)
    );
    std::fs::remove_dir_all(&root).unwrap();
}
