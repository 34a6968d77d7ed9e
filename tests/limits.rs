//! Hostile and broken input: each resource limit, its message, and what is
//! left alone (nothing read past a limit, nothing followed out of the
//! playbook). The YAML and raw-HTML limits have their fixture in
//! `tests/fixtures/codes/limit-exceeded/`; their messages are checked here.

mod common;

use common::repo;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

/// A fresh folder for one test.
fn folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("playbook-limits-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("content/pages")).unwrap();
    std::fs::write(dir.join("playbook.yaml"), "title: Limits\n").unwrap();
    dir
}

fn run(args: &[&str]) -> Output {
    common::playbook_command()
        .args(args)
        .args(["--as-of", "2026-11-28"])
        .output()
        .expect("the binary runs")
}

/// `check --format json`: the exit code and each diagnostic.
fn check(root: &Path) -> (Option<i32>, Vec<Value>) {
    let out = run(&["check", "--root", root.to_str().unwrap(), "--format", "json"]);
    let text = String::from_utf8(out.stdout).unwrap();
    let found = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    (out.status.code(), found)
}

/// `build` that must fail for something other than the content (exit
/// code 2): what it printed.
fn refused_build(root: &Path, out: Option<&Path>) -> String {
    let mut args = vec!["build", "--root", root.to_str().unwrap(), "-q"];
    if let Some(out) = out {
        args.extend(["--out", out.to_str().unwrap()]);
    }
    let done = run(&args);
    assert_eq!(done.status.code(), Some(2));
    String::from_utf8_lossy(&done.stderr).into_owned()
}

fn field<'a>(d: &'a Value, key: &str) -> &'a str {
    d[key].as_str().unwrap_or_default()
}

#[test]
fn a_content_file_over_ten_megabytes_is_reported_and_not_read() {
    let dir = folder("size");
    let para = "Words of a very long page. ".repeat(40) + "\n\n";
    let mut big = format!(
        "---\ntitle: Big\n---\n{}",
        para.repeat(11 * 1024 * 1024 / para.len() + 1)
    );
    big.truncate(11 * 1024 * 1024);
    std::fs::write(dir.join("content/pages/big.md"), &big).unwrap();
    std::fs::write(
        dir.join("content/pages/small.md"),
        "---\ntitle: Small\n---\nFine.\n",
    )
    .unwrap();
    let (code, found) = check(&dir);
    assert_eq!(code, Some(1));
    assert_eq!(found.len(), 1, "{found:?}");
    let d = &found[0];
    assert_eq!(field(d, "code"), "limit-exceeded");
    assert_eq!(field(d, "file"), "content/pages/big.md");
    assert_eq!(d["line"], 1);
    assert_eq!(
        field(d, "message"),
        "this file is 11 MB, over the limit of 10 MB for a content file; it is not read"
    );
    // Just under the limit reads.
    std::fs::write(dir.join("content/pages/big.md"), &big[..10 * 1024 * 1024 - 100]).unwrap();
    let (code, found) = check(&dir);
    assert_eq!((code, found.len()), (Some(0), 0), "{found:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_file_that_is_not_utf8_is_reported_where_its_first_bad_byte_is() {
    let dir = folder("encoding");
    let mut bytes = b"---\ntitle: Latin-1\n---\nCaf".to_vec();
    bytes.push(0xE9); // é in Latin-1
    bytes.extend_from_slice(b" au lait.\n");
    std::fs::write(dir.join("content/pages/latin1.md"), bytes).unwrap();
    let (code, found) = check(&dir);
    assert_eq!(code, Some(1));
    let reported: Vec<(&str, &str, &str, i64, i64)> = found
        .iter()
        .map(|d| {
            let n = |k: &str| d[k].as_i64().unwrap_or_default();
            (
                field(d, "file"),
                field(d, "code"),
                field(d, "message"),
                n("line"),
                n("column"),
            )
        })
        .collect();
    assert_eq!(
        reported,
        [(
            "content/pages/latin1.md",
            "invalid-encoding",
            "file is not valid UTF-8",
            4,
            4
        )]
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn more_than_a_hundred_thousand_content_files_are_reported_and_none_is_read() {
    let dir = folder("count");
    // Empty files would each be an error if they were read.
    for i in 0..=100_000 {
        let sub = dir.join(format!("content/pages/p{:03}", i / 1000));
        if i % 1000 == 0 {
            std::fs::create_dir_all(&sub).unwrap();
        }
        std::fs::File::create(sub.join(format!("f{i:06}.md"))).unwrap();
    }
    // Other files do not count.
    std::fs::write(dir.join("content/pages/notes.txt"), "not content").unwrap();
    let (code, found) = check(&dir);
    assert_eq!(code, Some(1));
    assert_eq!(found.len(), 1, "{:?}", &found[..found.len().min(3)]);
    let d = &found[0];
    assert_eq!(field(d, "code"), "limit-exceeded");
    assert_eq!(field(d, "file"), "content/pages/p100/f100000.md");
    assert_eq!(
        field(d, "message"),
        "`content/` holds 100,001 Markdown and YAML files, over the limit of 100,000; none of them is read"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn yaml_and_raw_html_limits_say_which_limit() {
    let (code, found) = check(&repo().join("tests/fixtures/codes/limit-exceeded"));
    assert_eq!(code, Some(1));
    let messages: Vec<(&str, &str)> = found
        .iter()
        .map(|d| (field(d, "file"), field(d, "message")))
        .collect();
    assert_eq!(
        messages,
        [
            (
                "content/pages/aliases.md",
                "this YAML holds more than 250,000 values (an alias counts as all it repeats)"
            ),
            (
                "content/pages/nested-html.md",
                "the text here nests more than 512 elements deep (Markdown's and raw HTML's together), and it has raw HTML"
            ),
            (
                "content/pages/nested-yaml.md",
                "this YAML nests mappings and lists more than 64 levels deep"
            ),
        ]
    );
}

#[test]
fn too_many_aliases_and_deep_block_yaml_are_limits_too() {
    let dir = folder("yaml");
    let mut aliases = String::from("---\ntitle: Aliases\nextra:\n  a: &a x\n");
    for i in 0..10_001 {
        aliases.push_str(&format!("  b{i}: *a\n"));
    }
    aliases.push_str("---\nBody.\n");
    std::fs::write(dir.join("content/pages/aliases.md"), aliases).unwrap();
    let mut deep = String::from("---\ntitle: Deep\nextra:\n");
    for level in 1..=70 {
        deep.push_str(&format!("{}k{level}:\n", "  ".repeat(level)));
    }
    deep.push_str(&format!("{}end\n---\nBody.\n", "  ".repeat(71)));
    std::fs::write(dir.join("content/pages/deep.md"), deep).unwrap();
    let (code, found) = check(&dir);
    assert_eq!(code, Some(1));
    let messages: Vec<(&str, &str, &str)> = found
        .iter()
        .map(|d| (field(d, "file"), field(d, "code"), field(d, "message")))
        .collect();
    assert_eq!(
        messages,
        [
            (
                "content/pages/aliases.md",
                "limit-exceeded",
                "this YAML uses more than 10,000 aliases (`*name`)"
            ),
            (
                "content/pages/deep.md",
                "limit-exceeded",
                "this YAML nests mappings and lists more than 64 levels deep"
            ),
        ]
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn symbolic_links_are_reported_and_never_followed() {
    let dir = folder("links");
    let outside = dir.with_extension("outside");
    let _ = std::fs::remove_dir_all(&outside);
    std::fs::create_dir_all(outside.join("pages")).unwrap();
    std::fs::write(
        outside.join("secret.md"),
        "---\ntitle: Secret\n---\nSECRET-OUTSIDE-TEXT\n",
    )
    .unwrap();
    std::fs::write(
        outside.join("pages/other.md"),
        "---\ntitle: Other\n---\nSECRET-FOLDER-TEXT\n",
    )
    .unwrap();
    let pages = dir.join("content/pages");
    std::fs::write(pages.join("real.md"), "---\ntitle: Real\n---\nA real page.\n").unwrap();
    std::os::unix::fs::symlink(outside.join("secret.md"), pages.join("secret.md")).unwrap();
    std::os::unix::fs::symlink(outside.join("pages"), pages.join("more")).unwrap();
    // A link to its own folder (a loop) and one to nothing.
    std::os::unix::fs::symlink(&pages, pages.join("loop")).unwrap();
    std::os::unix::fs::symlink(dir.join("nowhere"), pages.join("gone.md")).unwrap();
    let (code, found) = check(&dir);
    assert_eq!(code, Some(0), "{found:?}");
    let reported: Vec<(&str, &str, &str)> = found
        .iter()
        .map(|d| (field(d, "file"), field(d, "code"), field(d, "message")))
        .collect();
    let link = "this is a symbolic link, which is not followed";
    assert_eq!(
        reported,
        [
            ("content/pages/gone.md", "ignored-file", link),
            ("content/pages/loop", "ignored-file", link),
            ("content/pages/more", "ignored-file", link),
            ("content/pages/secret.md", "ignored-file", link),
        ]
    );
    // Nothing from outside reaches the site.
    let site = dir.join("public");
    let out = run(&[
        "build",
        "--root",
        dir.to_str().unwrap(),
        "--out",
        site.to_str().unwrap(),
        "-q",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(site.join("pages/real/index.html").is_file());
    assert!(!site.join("pages/secret").exists());
    for entry in walk(&site) {
        let bytes = std::fs::read(&entry).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("SECRET-OUTSIDE-TEXT") && !text.contains("SECRET-FOLDER-TEXT"),
            "{}",
            entry.display()
        );
    }

    // `content/` itself as a link: not read either.
    let other = folder("content-link");
    std::fs::remove_dir_all(other.join("content")).unwrap();
    std::os::unix::fs::symlink(dir.join("content"), other.join("content")).unwrap();
    let (code, found) = check(&other);
    assert_eq!(code, Some(0));
    let reported: Vec<(&str, &str)> = found
        .iter()
        .map(|d| (field(d, "file"), field(d, "message")))
        .collect();
    assert_eq!(reported, [("content", link)]);

    // `static/` (or a theme's folder) as a link: the build refuses it and
    // the previous site stays.
    std::os::unix::fs::symlink(&outside, dir.join("static")).unwrap();
    let err = refused_build(&dir, Some(&site));
    assert!(
        err.contains("static: it is a symbolic link, which could point outside the playbook"),
        "{err}"
    );
    assert!(site.join("pages/real/index.html").is_file());
    assert!(!site.join("secret.md").exists());
    std::fs::remove_file(dir.join("static")).unwrap();

    // `playbook.yaml` as a link: not read (a link to the environment or to
    // a file elsewhere would show it).
    let third = folder("settings-link");
    std::fs::remove_file(third.join("playbook.yaml")).unwrap();
    std::fs::write(outside.join("settings.yaml"), "title: SECRET-SETTINGS\n").unwrap();
    std::os::unix::fs::symlink(outside.join("settings.yaml"), third.join("playbook.yaml")).unwrap();
    let (_, found) = check(&third);
    assert!(
        found
            .iter()
            .any(|d| field(d, "file") == "playbook.yaml" && field(d, "message") == link),
        "{found:?}"
    );
    assert!(
        !found.iter().any(|d| d.to_string().contains("SECRET")),
        "{found:?}"
    );

    // An output folder that is a link in the playbook (a committed
    // `public`): refused, and nothing is written where it points.
    let elsewhere = outside.join("www");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("index.html"), "precious").unwrap();
    std::fs::remove_dir_all(&site).unwrap();
    std::os::unix::fs::symlink(&elsewhere, &site).unwrap();
    let err = refused_build(&dir, None);
    assert!(err.contains("is a symbolic link in the playbook"), "{err}");
    assert_eq!(
        std::fs::read_to_string(elsewhere.join("index.html")).unwrap(),
        "precious"
    );
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 1);

    // `new` never writes through a link, even a dangling one.
    std::os::unix::fs::symlink(outside.join("made.md"), pages.join("made.md")).unwrap();
    let out = run(&["new", "page", "made", "--root", dir.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!outside.join("made.md").exists());
    for d in [&dir, &outside, &other, &third] {
        std::fs::remove_dir_all(d).unwrap();
    }
}

#[test]
fn a_theme_is_a_folder_of_themes_and_nothing_else() {
    let dir = folder("theme");
    std::fs::create_dir_all(dir.join("elsewhere/templates")).unwrap();
    std::fs::create_dir_all(dir.join("themes")).unwrap();
    std::fs::write(dir.join("playbook.yaml"), "title: Limits\ntheme: ../elsewhere\n").unwrap();
    let (code, found) = check(&dir);
    assert_eq!(code, Some(1));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(field(&found[0], "code"), "invalid-value");
    assert_eq!(field(&found[0], "message"), "unknown theme `../elsewhere`");
    // A theme folder that is a link: the build refuses it.
    std::os::unix::fs::symlink(dir.join("elsewhere"), dir.join("themes/linked")).unwrap();
    std::fs::write(dir.join("playbook.yaml"), "title: Limits\ntheme: linked\n").unwrap();
    let site = dir.join("site");
    let err = refused_build(&dir, Some(&site));
    assert!(err.contains("themes/linked: it is a symbolic link"), "{err}");
    assert!(!site.exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}
