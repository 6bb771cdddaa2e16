//! Integration tests: the real `errbook` binary on fixture sites in tests/fixtures/.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Copies a fixture site into a fresh temporary directory (builds write into the site).
fn site(case: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join(case), tmp.path());
    if !tmp.path().join("errbook.toml").exists() {
        fs::copy(
            fixtures().join("site.toml"),
            tmp.path().join("errbook.toml"),
        )
        .unwrap();
    }
    tmp
}

/// A copy of the bundled knowledge base (content, the captured runs its pages cite under
/// static/captures, errbook.toml): builds, searches and edits write into the site.
fn bundled_site() -> tempfile::TempDir {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&repo.join("content"), &tmp.path().join("content"));
    copy_dir(
        &repo.join("static/captures"),
        &tmp.path().join("static/captures"),
    );
    fs::copy(repo.join("errbook.toml"), tmp.path().join("errbook.toml")).unwrap();
    tmp
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn errbook(root: &Path, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_errbook"))
        .arg("--root")
        .arg(root)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "errbook panicked:\n{stderr}");
    out
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The diagnostics of human output as `path:line:col: severity[rule]: message` lines.
fn diagnostic_lines(stderr: &str) -> Vec<String> {
    let lines: Vec<&str> = stderr.lines().collect();
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let is_header =
            (line.starts_with("error[") || line.starts_with("warning[")) && line.contains("]: ");
        if !is_header {
            continue;
        }
        let location = lines[i + 1..]
            .iter()
            .find_map(|l| {
                let l = l.trim();
                l.strip_prefix("┌─ ").or_else(|| l.strip_prefix("= at "))
            })
            .unwrap_or("?");
        found.push(format!("{location}: {line}"));
    }
    found
}

fn read(path: impl AsRef<Path>) -> String {
    fs::read_to_string(path.as_ref()).unwrap_or_else(|e| panic!("{}: {e}", path.as_ref().display()))
}

/// Every file under a directory with its bytes, to compare whole trees.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn valid_site_builds_every_output() {
    let tmp = site("build/valid");
    let out = errbook(tmp.path(), &["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let public = tmp.path().join("public");
    for file in [
        "index.html",
        "404.html",
        "sitemap.xml",
        "robots.txt",
        "atom.xml",
        "demo/index.html",
        "demo/quota-exceeded/index.html",
        "demo/bad-key/index.html",
        "category/rate-limit/index.html",
        "category/config/index.html",
        "css/errbook.css",
        "css/highlight.css",
        "js/errbook.js",
        "custom.txt",
    ] {
        assert!(public.join(file).is_file(), "missing {file}");
    }

    let page = read(public.join("demo/quota-exceeded/index.html"));
    // Front-matter strings are escaped, never injected.
    assert!(
        page.contains("quota exceeded&quot; &lt;script&gt;alert(1)&lt;&#x2F;script&gt;")
            || page.contains("&lt;script&gt;alert(1)&lt;/script&gt;")
    );
    assert!(!page.contains("<script>alert(1)"));
    assert!(
        page.contains("<code>DemoError: quota exceeded for key</code>"),
        "signature box"
    );
    // A regex shows its real example as the copyable error text (js/errbook.js puts a copy
    // button after each example's box, which copies the box's text), the pattern behind a
    // disclosure.
    let regex = page
        .split("<li class=\"signature signature-regex\">")
        .nth(1)
        .and_then(|s| s.split("</li>").next())
        .expect("a regex signature");
    assert!(
        regex.contains(
            "<div class=\"sig-example\"><pre><code>retry after 30 seconds</code></pre></div>"
        ),
        "example copyable: {regex}"
    );
    let pattern = regex.split("<details class=\"sig-pattern\">").nth(1);
    assert!(
        pattern.is_some_and(|p| p.contains("<code>retry after \\d+ seconds</code>")),
        "regex behind a disclosure: {regex}"
    );
    assert!(
        !regex.contains("<div class=\"sig-example\"><pre><code>retry after \\d"),
        "the regex is not the copied text"
    );
    assert!(
        page.contains("<li class=\"signature signature-literal\"><pre><code>DemoError: quota exceeded for key</code></pre></li>"),
        "copyable box"
    );
    // Nothing a script adds is repeated in the page: no copied text, no citation titles.
    assert!(!page.contains("data-copy"), "no data-copy");
    assert!(
        page.contains("<strong>daily</strong>"),
        "inline markdown in summary"
    );
    assert!(
        page.contains("<a href=\"#source-gh-12\">1</a>"),
        "citation link"
    );
    assert!(page.contains("id=\"source-docs-limits\""), "source anchor");
    assert!(page.contains(
        "<a href=\"https://github.com/example/demo/issues/12\">Quota errors are not retried</a>"
    ));
    assert!(page.contains("<time>2026-09-01</time>"), "source date");
    assert!(page.contains("<h2 id=\"causes\">"), "section anchors");
    assert!(
        page.contains("<h3 id=\"give-the-batch-job-its-own-key\">"),
        "heading anchors"
    );
    assert!(page.contains("class=\"hl-"), "highlighted code");
    assert!(page.contains("<table>"), "tables");
    assert!(page.contains(
        "<link rel=\"canonical\" href=\"https://kb.example.test/demo/quota-exceeded/\">"
    ));
    assert!(page.contains("<meta property=\"og:title\""));
    assert!(
        page.contains("href=\"../../css/errbook.css\""),
        "relative links work from any path"
    );

    // JSON-LD: a TechArticle and an FAQPage.
    let start = page.find("<script type=\"application/ld+json\">").unwrap();
    let json = &page[start..];
    let json = &json[json.find('>').unwrap() + 1..json.find("</script>").unwrap()];
    let ld: serde_json::Value = serde_json::from_str(json).unwrap();
    let graph = ld["@graph"].as_array().unwrap();
    assert_eq!(graph[0]["@type"], "TechArticle");
    assert_eq!(graph[0]["dateModified"], "2026-10-01");
    assert_eq!(graph[0]["citation"].as_array().unwrap().len(), 2);
    assert_eq!(graph[1]["@type"], "FAQPage");
    assert_eq!(
        graph[1]["mainEntity"][0]["name"],
        "Does the quota reset at midnight UTC?"
    );
    assert_eq!(
        graph[1]["mainEntity"][0]["acceptedAnswer"]["text"],
        "Yes, for the free plan."
    );

    // Related errors are linked both ways.
    assert!(page.contains("href=\"../../demo/bad-key/\">Demo API rejects the key</a>"));
    let other = read(public.join("demo/bad-key/index.html"));
    assert!(
        other.contains("href=\"../../demo/quota-exceeded/\">"),
        "backlink"
    );

    let sitemap = read(public.join("sitemap.xml"));
    assert!(sitemap.contains(
        "<loc>https://kb.example.test/demo/quota-exceeded/</loc>\n    <lastmod>2026-10-01</lastmod>"
    ));
    assert!(sitemap.contains("<loc>https://kb.example.test/category/config/</loc>"));
    let feed = read(public.join("atom.xml"));
    let newest = feed.find("demo/bad-key/").unwrap();
    assert!(
        newest < feed.find("demo/quota-exceeded/").unwrap(),
        "feed is newest first"
    );
    assert!(feed.contains("<updated>2026-11-02T00:00:00Z</updated>"));
    assert!(
        read(public.join("robots.txt")).contains("Sitemap: https://kb.example.test/sitemap.xml")
    );
    let home = read(public.join("index.html"));
    assert!(
        home.contains("href=\"demo/\">demo</a>"),
        "tools on the home page"
    );
    assert!(home.contains("href=\"category/rate-limit/\">Rate limits</a>"));
    assert!(
        read(public.join("404.html")).contains("href=\"/css/errbook.css\""),
        "404 links are absolute"
    );
    assert_eq!(read(public.join("custom.txt")), "User-agent: custom\n");
}

#[test]
fn each_bad_input_gets_its_exact_diagnostic() {
    let cases: Vec<_> = fs::read_dir(fixtures().join("build"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("expected.txt").exists())
        .collect();
    assert!(cases.len() >= 9, "fixtures went missing: {cases:?}");
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let expected = read(case.join("expected.txt"));
        let mut lines = expected.lines();
        let code: i32 = lines.next().unwrap().parse().unwrap();
        let want: Vec<&str> = lines.collect();
        let tmp = site(&format!("build/{name}"));
        let out = errbook(tmp.path(), &["build"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(code), "{name}: {err}");
        assert_eq!(diagnostic_lines(&err), want, "{name}: full output:\n{err}");
        assert!(
            !tmp.path().join("public").exists(),
            "{name}: a failed build wrote output"
        );
    }
}

#[test]
fn a_failed_build_leaves_the_previous_output_byte_for_byte() {
    let tmp = site("build/valid");
    assert_eq!(errbook(tmp.path(), &["build"]).status.code(), Some(0));
    let public = tmp.path().join("public");
    let before = snapshot(&public);
    let page = tmp.path().join("content/demo/bad-key.md");
    fs::write(
        &page,
        read(&page).replace("title: Demo API rejects the key", "title: [unclosed"),
    )
    .unwrap();
    let out = errbook(tmp.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(snapshot(&public), before);
    let leftovers: Vec<_> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        !leftovers
            .iter()
            .any(|n| n.to_string_lossy().contains("staging")),
        "{leftovers:?}"
    );
}

#[test]
fn files_of_an_earlier_build_never_linger() {
    let tmp = site("build/valid");
    assert_eq!(errbook(tmp.path(), &["build"]).status.code(), Some(0));
    let public = tmp.path().join("public");
    assert!(public.join("demo/bad-key/index.html").exists());
    fs::remove_file(tmp.path().join("content/demo/bad-key.md")).unwrap();
    let page = tmp.path().join("content/demo/quota-exceeded.md");
    fs::write(&page, read(&page).replace("related: [bad-key]\n", "")).unwrap();
    assert_eq!(errbook(tmp.path(), &["build"]).status.code(), Some(0));
    assert!(!public.join("demo/bad-key").exists());
    assert!(public.join("demo/quota-exceeded/index.html").exists());
}

#[test]
fn a_site_template_overrides_one_block() {
    let tmp = site("build/valid");
    fs::create_dir_all(tmp.path().join("templates")).unwrap();
    fs::write(
        tmp.path().join("templates/page.html"),
        "{% extends \"errbook/page.html\" %}{% block footer %}<p>Team footer</p>{% endblock footer %}",
    )
    .unwrap();
    let out = errbook(tmp.path(), &["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page = read(tmp.path().join("public/demo/bad-key/index.html"));
    assert!(page.contains("<p>Team footer</p>"));
    assert!(
        page.contains("<h2 id=\"causes\">"),
        "the rest of the default page stays"
    );
    assert!(!read(tmp.path().join("public/index.html")).contains("Team footer"));
}

#[test]
fn config_errors_are_located_and_a_missing_config_cannot_run() {
    let tmp = site("build/valid");
    let config = tmp.path().join("errbook.toml");
    fs::write(
        &config,
        read(&config).replacen("description = ", "descripton = ", 1),
    )
    .unwrap();
    let out = errbook(tmp.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert_eq!(
        diagnostic_lines(&err),
        ["errbook.toml:4:1: error[unknown-field]: unknown key `descripton` in errbook.toml"]
    );
    assert!(err.contains("did you mean `description`?"), "{err}");

    fs::remove_file(&config).unwrap();
    let out = errbook(tmp.path(), &["build"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no errbook.toml in"));
}

#[test]
fn a_static_file_cannot_replace_a_page_and_bad_toml_is_located() {
    let tmp = site("build/valid");
    fs::create_dir_all(tmp.path().join("static/demo/bad-key")).unwrap();
    fs::write(tmp.path().join("static/demo/bad-key/index.html"), "mine").unwrap();
    let out = errbook(tmp.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        diagnostic_lines(&stderr(&out)),
        [
            "static/demo/bad-key/index.html:1:1: error[static-collision]: `static/demo/bad-key/index.html` would replace the generated `demo/bad-key/index.html`"
        ]
    );
    assert!(!tmp.path().join("public").exists());

    let config = tmp.path().join("errbook.toml");
    fs::write(&config, "title = \"t\"\nbase_url = [\n").unwrap();
    let out = errbook(tmp.path(), &["check"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("error[config-syntax]: invalid errbook.toml"),
        "{text}"
    );
    assert!(text.contains("┌─ errbook.toml:"), "{text}");
}

#[test]
fn new_scaffolds_a_page_and_refuses_to_overwrite() {
    let tmp = site("build/valid");
    let out = errbook(tmp.path(), &["new", "demo/timeout-on-upload"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = read(tmp.path().join("content/demo/timeout-on-upload.md"));
    for section in [
        "## What this error means",
        "## Causes",
        "## Fixes",
        "## Step-by-step troubleshooting",
        "## How to prevent it",
        "## FAQ",
    ] {
        assert!(text.contains(section), "{section}");
    }
    assert!(
        text.contains("# The evidence."),
        "front matter is commented"
    );
    fs::write(tmp.path().join("content/demo/timeout-on-upload.md"), "mine").unwrap();
    let again = errbook(tmp.path(), &["new", "demo/timeout-on-upload"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("already exists"));
    assert_eq!(
        read(tmp.path().join("content/demo/timeout-on-upload.md")),
        "mine"
    );
    assert_eq!(
        errbook(tmp.path(), &["new", "Demo/x"]).status.code(),
        Some(2)
    );
}

#[test]
fn the_bundled_knowledge_base_builds_cleanly() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    for dir in ["content", "templates", "static"] {
        copy_dir(&repo.join(dir), &tmp.path().join(dir));
    }
    fs::copy(repo.join("errbook.toml"), tmp.path().join("errbook.toml")).unwrap();
    let out = errbook(tmp.path(), &["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        diagnostic_lines(&stderr(&out)).is_empty(),
        "{}",
        stderr(&out)
    );
    let pages = fs::read_dir(tmp.path().join("content/litellm"))
        .unwrap()
        .count();
    assert!(pages >= 3);
    assert!(
        tmp.path()
            .join("public/litellm/rate-limit-error-not-falling-back/index.html")
            .exists()
    );
    // A `capture` source is published with the site and linked through the site's root, like
    // every other link; the JSON-LD citation carries its absolute URL.
    let log = "captures/litellm/fallback-hits-same-rate-limit.log";
    assert_eq!(
        fs::read(tmp.path().join("public").join(log)).unwrap(),
        fs::read(repo.join("static").join(log)).unwrap()
    );
    let html = read(
        tmp.path()
            .join("public/litellm/fallback-hits-same-rate-limit/index.html"),
    );
    assert!(
        html.contains(&format!(
            "<a href=\"../../{log}\" type=\"text/plain\">LiteLLM 1.110.2,"
        )),
        "{html}"
    );
    assert!(
        html.contains(&format!("\"url\":\"https://errbook.example.org/{log}\"")),
        "{html}"
    );
    assert!(html.contains("Captured run"), "{html}");
}

/// `check --format json` as `path:line:col: severity[rule]: message` lines.
fn check_lines(root: &Path, extra: &[&str]) -> (i32, Vec<String>) {
    let mut args = vec!["check", "--format", "json"];
    args.extend_from_slice(extra);
    let out = errbook(root, &args);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    let lines = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{}:{}:{}: {}[{}]: {}",
                d["file"].as_str().unwrap(),
                d["line"],
                d["column"],
                d["severity"].as_str().unwrap(),
                d["rule"].as_str().unwrap(),
                d["message"].as_str().unwrap()
            )
        })
        .collect();
    (out.status.code().unwrap(), lines)
}

/// Huge files are read and reported like any other: a 4 MB single-line front-matter value, a
/// 4 MB paragraph in a page's body and 4 MB of binary after a front matter.
#[test]
fn huge_files_are_checked_not_crashed_on() {
    let tmp = site("check/clean");
    let demo = tmp.path().join("content/demo");
    fs::write(
        demo.join("one-line.md"),
        format!("---\ntitle: \"{}\"\n---\n", "x".repeat(4 << 20)),
    )
    .unwrap();
    let page = read(demo.join("page.md"));
    let words: String = (0..500_000).map(|i| format!("w{i} ")).collect();
    let long = page.replacen("## Causes", &format!("## Causes\n\n{words}\n\n{words}"), 1);
    fs::write(demo.join("long-body.md"), long).unwrap();
    let mut blob = b"---\ntitle: blob\n---\n".to_vec();
    blob.extend((0..=255u8).cycle().take(4 << 20));
    fs::write(demo.join("blob.md"), blob).unwrap();
    let (code, lines) = check_lines(tmp.path(), &[]);
    assert_eq!(code, 1);
    let has = |file: &str, rule: &str| {
        let at = format!("content/demo/{file}:");
        let rule = format!("[{rule}]");
        lines
            .iter()
            .any(|l| l.starts_with(&at) && l.contains(&rule))
    };
    assert!(has("one-line.md", "missing-field"), "{lines:#?}");
    assert!(has("long-body.md", "duplicate-text"), "{lines:#?}");
    assert!(has("blob.md", "invalid-utf8"), "{lines:#?}");
}

/// Symlinks under content/ and static/ are followed; what cannot be read (a dangling link, a
/// loop, a FIFO that would block) is a located `unreadable-file`, the other pages are still
/// checked, and search still answers.
#[cfg(unix)]
#[test]
fn symlinks_are_followed_and_unreadable_entries_are_reported_not_hung_on() {
    use std::os::unix::fs::symlink;
    let tmp = site("check/clean");
    let demo = tmp.path().join("content/demo");
    let elsewhere = tmp.path().join("drafts");
    fs::create_dir(&elsewhere).unwrap();
    fs::rename(demo.join("other.md"), elsewhere.join("other.md")).unwrap();
    symlink(elsewhere.join("other.md"), demo.join("other.md")).unwrap();
    let (code, lines) = check_lines(tmp.path(), &[]);
    assert_eq!((code, lines), (0, vec![]), "a symlinked page is a page");
    fs::write(elsewhere.join("notice.txt"), "linked").unwrap();
    fs::create_dir(tmp.path().join("static")).unwrap();
    symlink(
        elsewhere.join("notice.txt"),
        tmp.path().join("static/notice.txt"),
    )
    .unwrap();
    let built = errbook(tmp.path(), &["build"]);
    assert_eq!(built.status.code(), Some(0), "{}", stderr(&built));
    assert_eq!(read(tmp.path().join("public/notice.txt")), "linked");

    symlink(tmp.path().join("missing.md"), demo.join("dangling.md")).unwrap();
    symlink("..", demo.join("loop")).unwrap();
    let fifo = demo.join("pipe.md");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let (code, lines) = check_lines(tmp.path(), &[]);
    assert_eq!(code, 1);
    let locations: Vec<&str> = lines
        .iter()
        .map(|l| l.split(": ").next().unwrap())
        .collect();
    assert_eq!(
        locations,
        [
            "content/demo/dangling.md:1:1",
            "content/demo/loop:1:1",
            "content/demo/pipe.md:1:1"
        ],
        "{lines:#?}"
    );
    assert!(
        lines.iter().all(|l| l.contains("error[unreadable-file]")),
        "{lines:#?}"
    );
    // The human report reads source lines back; it must not open the FIFO.
    let out = errbook(tmp.path(), &["check"]);
    assert_eq!(out.status.code(), Some(1));
    let human = String::from_utf8_lossy(&out.stdout);
    assert!(
        human.contains("error: 3 errors, 0 warnings in 3 files"),
        "{human}"
    );
    // The search cache's fingerprint walks the same tree: it neither fails nor blocks.
    let found = errbook(tmp.path(), &["search", "DemoError: quota exceeded for key"]);
    assert_eq!(found.status.code(), Some(0), "{}", stderr(&found));
}

#[test]
fn each_check_fixture_reports_exactly_its_diagnostics() {
    let dir = fixtures().join("check");
    let mut cases: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    assert!(cases.len() >= 35, "fixtures went missing");
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let expected = read(case.join("expected.txt"));
        let mut lines = expected.lines();
        let code: i32 = lines.next().unwrap().parse().unwrap();
        let want: Vec<&str> = lines.collect();
        let tmp = site(&format!("check/{name}"));
        let (got_code, got) = check_lines(tmp.path(), &[]);
        assert_eq!(got, want, "check fixture {name}");
        assert_eq!(got_code, code, "exit code of check fixture {name}");
    }
}

#[test]
fn every_rule_has_a_fixture_that_triggers_it() {
    let dir = fixtures().join("check");
    let mut all = String::new();
    for case in fs::read_dir(&dir).unwrap() {
        all.push_str(&read(case.unwrap().path().join("expected.txt")));
    }
    for build_case in fs::read_dir(fixtures().join("build")).unwrap() {
        let path = build_case.unwrap().path().join("expected.txt");
        if path.exists() {
            all.push_str(&read(path));
        }
    }
    // The online rules need servers: tests/online.rs expects each on its case (`slug: rule`).
    let online = read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/online.rs"));
    let untested: Vec<&str> = errbook::check::rules::RULES
        .iter()
        .map(|r| r.id)
        .filter(|id| !all.contains(&format!("[{id}]")))
        .filter(|id| !online.contains(&format!(": {id}\"")))
        .filter(|id| {
            ![
                "unreadable-file",
                "config-syntax",
                "bad-config",
                "static-collision",
            ]
            .contains(id)
        })
        .collect();
    assert!(untested.is_empty(), "rules without a fixture: {untested:?}");
}

#[test]
fn the_seed_page_defects_are_caught() {
    let tmp = site("check/seed");
    let (code, lines) = check_lines(tmp.path(), &[]);
    assert_eq!(code, 1);
    let page = "content/litellm/model-group-fallback.md";
    for rule in [
        "duplicate-text",
        "near-duplicate-text",
        "boilerplate",
        "source-without-url",
        "uncited-cause",
        "unused-source",
        "fix-without-action",
    ] {
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with(page) && l.contains(&format!("[{rule}]"))),
            "{rule} not reported on the seed page: {lines:#?}"
        );
    }
}

#[test]
fn check_formats_levels_and_deny_warnings() {
    let tmp = site("check/stale-page");
    // A warning alone passes, unless warnings are denied.
    assert_eq!(check_lines(tmp.path(), &[]).0, 0);
    assert_eq!(check_lines(tmp.path(), &["--deny-warnings"]).0, 1);

    let human = errbook(tmp.path(), &["check"]);
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.contains("warning[stale-page]: the page was last updated on 2000-01-01"),
        "{text}"
    );
    assert!(text.contains("┌─ content/demo/page.md:9:10"), "{text}");
    assert!(text.contains("^^^^^^^^^^"), "caret under the value: {text}");
    assert!(
        text.contains("warning: 0 errors, 1 warning in 1 file"),
        "{text}"
    );

    let sarif = errbook(tmp.path(), &["check", "--format", "sarif"]);
    let log: serde_json::Value = serde_json::from_slice(&sarif.stdout).unwrap();
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(log["runs"][0]["results"][0]["ruleId"], "stale-page");
    assert_eq!(
        log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"],
        9
    );

    let github = errbook(tmp.path(), &["check", "--format", "github"]);
    assert!(
        String::from_utf8_lossy(&github.stdout)
            .starts_with("::warning file=content/demo/page.md,line=9,col=10,title=stale-page::")
    );

    // [lints] raises, lowers or silences a rule.
    let config = tmp.path().join("errbook.toml");
    let base = read(&config);
    fs::write(
        &config,
        format!("{base}\n[lints]\nstale-page = \"error\"\n"),
    )
    .unwrap();
    let (code, lines) = check_lines(tmp.path(), &[]);
    assert_eq!((code, lines.len()), (1, 1));
    assert!(lines[0].contains("error[stale-page]"));
    fs::write(
        &config,
        format!("{base}\n[lints]\nstale-page = \"allow\"\n"),
    )
    .unwrap();
    assert_eq!(check_lines(tmp.path(), &["--deny-warnings"]), (0, vec![]));
    fs::write(
        &config,
        format!("{base}\n[lints]\nstale-pages = \"allow\"\nyaml-syntax = \"allow\"\n"),
    )
    .unwrap();
    let out = errbook(tmp.path(), &["check"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text.contains("unknown rule `stale-pages` in [lints]")
            && text.contains("did you mean `stale-page`?"),
        "{text}"
    );
    assert!(text.contains("its level cannot be changed"), "{text}");
}

#[test]
fn build_runs_the_checks_and_fails_on_errors() {
    let tmp = site("check/uncited-cause");
    let out = errbook(tmp.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        diagnostic_lines(&stderr(&out)),
        ["content/demo/page.md:29:1: error[uncited-cause]: this cause cites no source"]
    );
    assert!(!tmp.path().join("public").exists());
    // Warnings are shown but do not fail the build.
    let tmp = site("check/stale-page");
    let out = errbook(tmp.path(), &["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("warning[stale-page]"));
}

/// The knowledge base is the dogfood site. Its pages turn `stale-page` a year after their
/// `updated` date: this test failing then means the content is due for review, not a bug.
#[test]
fn the_bundled_knowledge_base_checks_clean() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = errbook(repo, &["check", "--deny-warnings"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

fn validate(args: &[&str], stdin: Option<&str>) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_errbook"))
        .arg("validate")
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    drop(input);
    let out = child.wait_with_output().unwrap();
    assert!(
        !stderr(&out).contains("panicked"),
        "errbook panicked:\n{}",
        stderr(&out)
    );
    out
}

/// `errbook validate litellm-proxy <config> --format json --level info`: its output and report.
fn validate_all_json(config: &Path) -> (Output, serde_json::Value) {
    let config = config.to_str().unwrap();
    let out = validate(
        &[
            "litellm-proxy",
            config,
            "--format",
            "json",
            "--level",
            "info",
        ],
        None,
    );
    let json = serde_json::from_slice(&out.stdout).unwrap();
    (out, json)
}

#[test]
fn validate_reports_located_findings_and_exit_codes() {
    let bad = "router_settings:\n  routing_strategy: simple_shuffle\n";
    let out = validate(&["litellm-proxy", "-", "--format", "json"], Some(bad));
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = &json["diagnostics"][0];
    assert_eq!(d["rule"], "invalid-routing-strategy");
    assert_eq!(d["severity"], "error");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(2), Some(21))
    );
    assert_eq!(
        d["url"],
        "/validators/litellm-proxy/#invalid-routing-strategy"
    );
    assert_eq!(d["page"], "/litellm/invalid-routing-strategy/");
    assert_eq!(d["help"], "did you mean `simple-shuffle`?");

    // Human output: rustc-style, with the source line and a caret under the value.
    let out = validate(&["litellm-proxy", "-"], Some(bad));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("error[invalid-routing-strategy]"), "{text}");
    assert!(text.contains("┌─ <stdin>:2:21"), "{text}");
    assert!(text.contains("^^^^^^^^^^^^^^"), "{text}");

    // Warnings alone exit 0; a clean config says so.
    let warn = "router_settings:\n  enable_precall_checks: true\n";
    assert_eq!(
        validate(&["litellm-proxy", "-"], Some(warn)).status.code(),
        Some(0)
    );
    let clean = "model_list: []\n";
    let out = validate(&["litellm-proxy", "-"], Some(clean));
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("no problems found"));
}

#[test]
fn validate_cannot_run_without_a_validator_or_a_file() {
    let out = validate(&["litellm", "-"], Some(""));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("did you mean `litellm-proxy`?"),
        "{}",
        stderr(&out)
    );
    let out = validate(&["litellm-proxy", "/nonexistent/config.yaml"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("could not read"), "{}", stderr(&out));
}

/// The real-config corpus: each file in tests/fixtures/litellm/ names its source, the exact set of
/// rule ids it triggers (`# expect:`), and, for documented good examples, that none is an error.
#[test]
fn the_litellm_corpus_gives_exactly_its_expected_rules() {
    let dir = fixtures().join("litellm");
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    assert!(files.len() >= 20, "corpus files went missing");
    let mut good = 0;
    for file in &files {
        let text = read(file);
        let header = |key: &str| {
            text.lines()
                .take_while(|l| l.starts_with('#'))
                .find_map(|l| l.strip_prefix(key).map(str::trim))
        };
        assert!(
            header("# source:").is_some(),
            "{}: no source",
            file.display()
        );
        let expect = header("# expect:").unwrap_or_else(|| panic!("{}: no expect", file.display()));
        let want: Vec<&str> = if expect == "(none)" {
            Vec::new()
        } else {
            expect.split_whitespace().collect()
        };
        let (out, json) = validate_all_json(file);
        let found = json["diagnostics"].as_array().unwrap();
        let mut got: Vec<&str> = found.iter().map(|d| d["rule"].as_str().unwrap()).collect();
        got.sort();
        got.dedup();
        assert_eq!(got, want, "{}", file.display());
        let errors = found.iter().any(|d| d["severity"] == "error");
        assert_eq!(
            out.status.code(),
            Some(i32::from(errors)),
            "{}",
            file.display()
        );
        if header("# documented-good:").is_some() {
            good += 1;
            assert!(
                !errors,
                "{}: a documented good example has errors",
                file.display()
            );
        }
    }
    assert!(good >= 8, "documented good examples went missing");
}

#[test]
fn every_validator_rule_is_in_the_readme_with_its_page() {
    let readme = read(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"));
    for validator in errbook::validators::REGISTRY {
        for rule in validator.rules() {
            let row = format!("| `{}` | {} |", rule.id, rule.severity);
            let line = readme
                .lines()
                .find(|l| l.starts_with(&row))
                .unwrap_or_else(|| panic!("README has no row for `{}`", rule.id));
            if let Some(page) = rule.page_url() {
                assert!(line.contains(&format!("`{page}`")), "{line}");
            }
        }
    }
}

mod accessibility;
#[path = "browser/playwright.rs"]
mod browser;
mod incremental;
mod init;
mod search;
mod validators;

/// A merge left half-done must not land: no conflict markers in the docs or the code.
#[test]
fn no_merge_conflict_markers_in_the_tree() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("README.md"), root.join("Cargo.toml")];
    for dir in ["src", "templates", "static", "content", "benches", "docs"] {
        for entry in walkdir::WalkDir::new(root.join(dir)) {
            let entry = entry.unwrap();
            if entry.file_type().is_file() {
                files.push(entry.into_path());
            }
        }
    }
    for file in files {
        let Ok(text) = fs::read_to_string(&file) else {
            continue;
        };
        for marker in ["<<<<<<< ", "\n=======\n", ">>>>>>> "] {
            let at_line_start = text.starts_with(marker.trim_start_matches('\n'))
                || text.contains(&format!("\n{}", marker.trim_start_matches('\n')));
            assert!(
                !at_line_start,
                "{}: conflict marker {marker:?}",
                file.display()
            );
        }
    }
}

/// One finding of the labelled corpus as a reviewer judged it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Finding {
    file: String,
    line: u64,
    severity: String,
    rule: String,
}

/// The findings of `check --format json` on a site.
fn findings(root: &Path) -> Vec<Finding> {
    let out = errbook(root, &["check", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut all: Vec<Finding> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| Finding {
            file: d["file"].as_str().unwrap().to_string(),
            line: d["line"].as_u64().unwrap(),
            severity: d["severity"].as_str().unwrap().to_string(),
            rule: d["rule"].as_str().unwrap().to_string(),
        })
        .collect();
    all.sort();
    all
}

/// The labelled corpus: 27 pages modelled on real troubleshooting documentation
/// (`tests/fixtures/realpages`, each with its hand-reviewed `expected/<tool>/<slug>.txt`), the
/// seed page and every hostile fixture of `tests/fixtures/check` (their `expected.txt`, each
/// finding a defect the fixture was written to have). Fails on any unexpected or missing
/// finding; then requires that no error is judged wrong and that at least 80% of the warnings
/// are judged right, and prints precision per severity and rule.
#[test]
fn the_labelled_corpus_gets_exactly_its_reviewed_findings() {
    let mut expected: Vec<(Finding, String)> = Vec::new();
    let mut got: Vec<Finding> = Vec::new();
    let corpus = fixtures().join("realpages");
    for entry in walkdir::WalkDir::new(corpus.join("content")) {
        let path = entry.unwrap().into_path();
        if path.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let page = path.strip_prefix(corpus.join("content")).unwrap();
        let review = corpus.join("expected").join(page.with_extension("txt"));
        assert!(
            review.exists(),
            "{} has no reviewed findings",
            review.display()
        );
        for line in read(&review).lines().filter(|l| !l.starts_with('#')) {
            let (finding, verdict) = line.split_once(": ").unwrap_or((line, ""));
            let parts: Vec<&str> = finding.split_whitespace().collect();
            let [line_no, severity, rule, verdict_word] = parts[..] else {
                panic!("{}: bad line {line:?}", review.display())
            };
            assert!(
                ["right", "debatable", "wrong"].contains(&verdict_word),
                "{line}"
            );
            let _ = verdict;
            expected.push((
                Finding {
                    file: format!("realpages/content/{}", page.display()),
                    line: line_no.parse().unwrap(),
                    severity: severity.into(),
                    rule: rule.into(),
                },
                verdict_word.to_string(),
            ));
        }
    }
    let tmp = site("realpages");
    got.extend(findings(tmp.path()).into_iter().map(|f| Finding {
        file: format!("realpages/{}", f.file),
        ..f
    }));
    let mut cases: Vec<PathBuf> = fs::read_dir(fixtures().join("check"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        for line in read(case.join("expected.txt")).lines().skip(1) {
            let (location, rest) = line.split_once(": ").unwrap();
            let mut at = location.rsplitn(3, ':');
            let (_col, line_no, file) = (at.next(), at.next().unwrap(), at.next().unwrap());
            let (severity, rule) = rest.split_once(": ").unwrap().0.split_once('[').unwrap();
            expected.push((
                Finding {
                    file: format!("check/{name}/{file}"),
                    line: line_no.parse().unwrap(),
                    severity: severity.into(),
                    rule: rule.trim_end_matches(']').into(),
                },
                "right".into(),
            ));
        }
        let tmp = site(&format!("check/{name}"));
        got.extend(findings(tmp.path()).into_iter().map(|f| Finding {
            file: format!("check/{name}/{}", f.file),
            ..f
        }));
    }
    expected.sort();
    let mut want: Vec<Finding> = expected.iter().map(|(f, _)| f.clone()).collect();
    want.sort();
    let unexpected: Vec<&Finding> = got.iter().filter(|f| !want.contains(f)).collect();
    let missing: Vec<&Finding> = want.iter().filter(|f| !got.contains(f)).collect();
    assert!(
        unexpected.is_empty() && missing.is_empty() && got.len() == want.len(),
        "unexpected: {unexpected:#?}\nmissing: {missing:#?}"
    );
    // Precision: right / all, per severity and per rule.
    let mut table: BTreeMap<(String, String), [usize; 3]> = BTreeMap::new();
    for (finding, verdict) in &expected {
        let slot = ["right", "debatable", "wrong"]
            .iter()
            .position(|v| v == verdict)
            .unwrap();
        table
            .entry((finding.severity.clone(), finding.rule.clone()))
            .or_default()[slot] += 1;
        table
            .entry((finding.severity.clone(), "(all)".into()))
            .or_default()[slot] += 1;
    }
    for ((severity, rule), [right, debatable, wrong]) in &table {
        eprintln!(
            "{severity:8} {rule:22} right {right:3}  debatable {debatable:3}  wrong {wrong:3}"
        );
    }
    let errors = table[&("error".to_string(), "(all)".to_string())];
    assert_eq!(errors[2], 0, "an error judged wrong");
    let warnings = table[&("warning".to_string(), "(all)".to_string())];
    let total: usize = warnings.iter().sum();
    assert!(
        warnings[0] * 5 >= total * 4,
        "warnings {}% right",
        warnings[0] * 100 / total
    );
}
