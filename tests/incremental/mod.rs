//! The incremental build: after each edit of a series (pages added, edited, deleted and
//! renamed, related links, templates, config, static files, a hand-edited output), the
//! incremental output must equal a clean build of the same tree, byte for byte, and the build
//! must report exactly what a clean build reports.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use super::{bundled_site, copy_dir, errbook, snapshot, stderr};

const PAGES: &str = "content/litellm";

/// Builds the site incrementally; returns how many files it rendered.
fn build(root: &Path) -> usize {
    build_reporting(root).0
}

/// Builds the site incrementally; returns how many files it rendered and what it reported.
fn build_reporting(root: &Path) -> (usize, Vec<String>) {
    let out = errbook(root, &["build", "--verbose"]);
    let text = stderr(&out);
    assert!(out.status.success(), "build failed:\n{text}");
    let line = text.lines().find(|l| l.starts_with("built ")).unwrap();
    let rendered = line.split(" files, ").nth(1).unwrap();
    let rendered = rendered.split(' ').next().unwrap().parse().unwrap();
    (rendered, reported(&text))
}

/// Everything a build printed but its timings.
fn reported(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter(|l| !l.starts_with("built "))
        .map(str::to_string)
        .collect()
}

/// The output of a clean build of a copy of the same tree (its own cache, no previous output),
/// and what it reported.
fn clean_build(root: &Path) -> (BTreeMap<PathBuf, Vec<u8>>, Vec<String>) {
    let tmp = tempfile::tempdir().unwrap();
    for part in ["content", "templates", "static"] {
        if root.join(part).exists() {
            copy_dir(&root.join(part), &tmp.path().join(part));
        }
    }
    fs::copy(root.join("errbook.toml"), tmp.path().join("errbook.toml")).unwrap();
    let out = errbook(tmp.path(), &["build", "--clean", "--verbose"]);
    assert!(out.status.success(), "{}", stderr(&out));
    (
        snapshot(&tmp.path().join("public")),
        reported(&stderr(&out)),
    )
}

/// Builds incrementally and compares with a clean build; returns the files rendered.
fn build_matches_clean(root: &Path, step: &str) -> usize {
    build_and_clean_match(root, step).0
}

/// [`build_matches_clean`], also returning what both builds reported.
fn build_and_clean_match(root: &Path, step: &str) -> (usize, Vec<String>) {
    let (rendered, reported) = build_reporting(root);
    let incremental = snapshot(&root.join("public"));
    let (clean, clean_reported) = clean_build(root);
    assert_eq!(
        reported, clean_reported,
        "{step}: the incremental build reports what a clean build reports"
    );
    let differing: Vec<&PathBuf> = clean
        .keys()
        .chain(incremental.keys())
        .filter(|p| clean.get(*p) != incremental.get(*p))
        .collect();
    assert!(
        differing.is_empty(),
        "{step}: the incremental output differs from a clean build at {differing:?}"
    );
    let mut beside: Vec<String> = fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') || n == "public")
        .collect();
    beside.sort();
    assert_eq!(
        beside,
        [".errbook", ".public.errbook-spare", "public"],
        "{step}: no staging directory is left behind"
    );
    (rendered, reported)
}

fn edit(root: &Path, page: &str, from: &str, to: &str) {
    let path = root.join(PAGES).join(format!("{page}.md"));
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{page} has no {from:?}");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn an_incremental_build_equals_a_clean_build_after_every_kind_of_edit() {
    let site = bundled_site();
    let root = site.path();
    let total = build(root);
    assert!(total > 26, "the first build renders every file");
    assert_eq!(build(root), 0, "nothing changed: nothing is rendered");
    assert_eq!(build_matches_clean(root, "unchanged"), 0);

    // A body edit: only the edited page and the search index's new files are written. Pages
    // name the index's fixed entry point, not its version, so no other page changes; the
    // index's unchanged files are taken from the previous output (they move to its new
    // directory).
    let before = snapshot(&root.join("public"));
    edit(
        root,
        "invalid-routing-strategy",
        "## What this error means\n",
        "## What this error means\n\nAn added first paragraph.\n",
    );
    let rendered = build_matches_clean(root, "body edit");
    let after = snapshot(&root.join("public"));
    let changed_pages: Vec<&PathBuf> = after
        .iter()
        .filter(|(path, bytes)| !path.starts_with("search") && before.get(*path) != Some(*bytes))
        .map(|(path, _)| path)
        .collect();
    assert_eq!(
        changed_pages,
        [&PathBuf::from(
            "litellm/invalid-routing-strategy/index.html"
        )],
        "a body edit changes only its own page"
    );
    let old_search: std::collections::HashSet<&Vec<u8>> = before
        .iter()
        .filter(|(path, _)| path.starts_with("search"))
        .map(|(_, bytes)| bytes)
        .collect();
    let new_search = after
        .iter()
        .filter(|(path, bytes)| path.starts_with("search") && !old_search.contains(bytes))
        .count();
    assert!(new_search >= 2, "the entry point and the manifest change");
    assert_eq!(
        rendered,
        1 + new_search,
        "a body edit writes its page and the index's new files, nothing else (of {total})"
    );

    // A title shows on related pages and listings.
    edit(
        root,
        "mock-testing-params-rejected",
        "title: 'LiteLLM proxy",
        "title: 'Renamed: LiteLLM proxy",
    );
    build_matches_clean(root, "title edit");

    // A new page, then its deletion.
    let pages = root.join(PAGES);
    let text = fs::read_to_string(pages.join("invalid-routing-strategy.md")).unwrap();
    let copy = text
        .replacen("title: 'LiteLLM", "title: 'A copy of LiteLLM", 1)
        .replace(
            "signatures:",
            "signatures:\n  - \"A signature only the copy has\"",
        );
    fs::write(pages.join("a-new-page.md"), copy).unwrap();
    build_matches_clean(root, "page added");
    fs::remove_file(pages.join("a-new-page.md")).unwrap();
    build_matches_clean(root, "page deleted");

    // A rename: the file moves and the pages that relate to it follow.
    fs::rename(
        pages.join("openrouter-free-model-rate-limit.md"),
        pages.join("openrouter-free-tier-429.md"),
    )
    .unwrap();
    for entry in fs::read_dir(&pages).unwrap() {
        let path = entry.unwrap().path();
        let text = fs::read_to_string(&path).unwrap();
        if text.contains("- openrouter-free-model-rate-limit\n") {
            let text = text.replace(
                "- openrouter-free-model-rate-limit\n",
                "- openrouter-free-tier-429\n",
            );
            fs::write(&path, text).unwrap();
        }
    }
    build_matches_clean(root, "page renamed");
    assert!(
        !root
            .join("public/litellm/openrouter-free-model-rate-limit")
            .exists()
    );

    // A related link added: both pages show it.
    edit(
        root,
        "background-health-checks-loop",
        "related:\n",
        "related:\n  - invalid-routing-strategy\n",
    );
    build_matches_clean(root, "related link added");

    // A paragraph said twice (an error by default, a warning here): the page rules report it
    // on every build until it is fixed (a page they find something on is never taken from the
    // last build's checks), and then no more.
    let config = fs::read_to_string(root.join("errbook.toml")).unwrap();
    let lint = |level: &str| {
        let lints = format!("{config}\n[lints]\nduplicate-text = \"{level}\"\n");
        fs::write(root.join("errbook.toml"), lints).unwrap();
    };
    lint("warning");
    let page = pages.join("invalid-routing-strategy.md");
    let text = fs::read_to_string(&page).unwrap();
    let (head, rest) = text.split_once("## What this error means\n\n").unwrap();
    let paragraph = rest
        .split("\n\n")
        .find(|p| p.split(' ').count() > 12 && !p.starts_with(['#', '-', '`', '|']))
        .unwrap();
    let said_twice = format!("{head}## What this error means\n\n{paragraph}\n\n{rest}");
    fs::write(&page, said_twice).unwrap();
    let duplicate = |reported: &[String]| reported.iter().any(|l| l.contains("[duplicate-text]"));
    let (_, reported) = build_and_clean_match(root, "a paragraph said twice");
    assert!(duplicate(&reported), "{reported:?}");
    let (_, reported) = build_and_clean_match(root, "a paragraph said twice, next build");
    assert!(duplicate(&reported), "{reported:?}");
    // Allowed, then warned again: the levels are part of what a kept check holds.
    lint("allow");
    let (_, reported) = build_and_clean_match(root, "duplicate-text allowed");
    assert!(!duplicate(&reported), "{reported:?}");
    lint("warning");
    let (_, reported) = build_and_clean_match(root, "duplicate-text warned again");
    assert!(duplicate(&reported), "{reported:?}");
    fs::write(&page, &text).unwrap();
    let (_, reported) = build_and_clean_match(root, "the paragraph said once");
    assert!(!duplicate(&reported), "{reported:?}");
    fs::write(root.join("errbook.toml"), &config).unwrap();

    // A template override, then its removal.
    fs::create_dir_all(root.join("templates")).unwrap();
    fs::write(
        root.join("templates/page.html"),
        "{% extends \"errbook/page.html\" %}\n{% block footer %}<p>Kept by the platform team.</p>{% endblock footer %}\n",
    )
    .unwrap();
    let rendered = build_matches_clean(root, "template added");
    assert!(rendered >= 26, "a template change re-renders every page");
    fs::remove_dir_all(root.join("templates")).unwrap();
    build_matches_clean(root, "template removed");

    // The configuration.
    let config = fs::read_to_string(root.join("errbook.toml")).unwrap();
    fs::write(
        root.join("errbook.toml"),
        config.replacen("description = \"", "description = \"Edited. ", 1),
    )
    .unwrap();
    build_matches_clean(root, "config edited");

    // Static files: added, changed, removed.
    fs::create_dir_all(root.join("static/img")).unwrap();
    fs::write(root.join("static/img/logo.svg"), "<svg/>").unwrap();
    build_matches_clean(root, "static file added");
    fs::write(root.join("static/img/logo.svg"), "<svg></svg>").unwrap();
    build_matches_clean(root, "static file changed");
    fs::remove_dir_all(root.join("static/img")).unwrap();
    build_matches_clean(root, "static file removed");
    assert!(!root.join("public/img").exists());

    // Someone edits the output by hand and drops a file into it: the next builds, which take
    // files from both trees, still give exactly the clean site.
    let home = root.join("public/index.html");
    let hand_edited = fs::read_to_string(&home)
        .unwrap()
        .replace("<body>", "<body>x");
    fs::write(&home, hand_edited).unwrap();
    fs::write(root.join("public/litellm/stray.html"), "stray").unwrap();
    build_matches_clean(root, "output edited by hand");
    build_matches_clean(root, "output edited by hand, next build");

    // A damaged cache is no cache.
    let cache = root.join(".errbook/cache/build");
    let mut damaged = 0;
    for entry in fs::read_dir(&cache).unwrap() {
        let dir = entry.unwrap().path();
        for manifest in ["live", "spare"] {
            if dir.join(manifest).is_file() {
                fs::write(dir.join(manifest), "garbage").unwrap();
                damaged += 1;
            }
        }
    }
    assert!(damaged >= 1, "the output's manifests are in {cache:?}");
    for kept in ["parsed-pages", "checked-pages", "search-counts"] {
        let path = cache.join(kept);
        let mut bytes = fs::read(&path).unwrap();
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0x20;
        fs::write(&path, bytes).unwrap();
    }
    edit(
        root,
        "invalid-routing-strategy",
        "An added first",
        "An edited first",
    );
    build_matches_clean(root, "damaged manifests");
}

#[test]
fn a_failed_incremental_build_leaves_the_output_as_it_was() {
    let site = bundled_site();
    let root = site.path();
    build(root);
    edit(
        root,
        "invalid-routing-strategy",
        "title: 'LiteLLM",
        "title: 'Changed LiteLLM",
    );
    build(root);
    let before = snapshot(&root.join("public"));
    // A broken related link fails the checks; a template that fails to render fails later.
    fs::create_dir_all(root.join("templates")).unwrap();
    fs::write(
        root.join("templates/page.html"),
        "{% extends \"errbook/page.html\" %}{% block footer %}{{ missing.value }}{% endblock footer %}",
    )
    .unwrap();
    let out = errbook(root, &["build"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(snapshot(&root.join("public")), before);
    fs::remove_dir_all(root.join("templates")).unwrap();
    build_matches_clean(root, "after the failed build");
}
