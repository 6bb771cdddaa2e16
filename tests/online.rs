//! `errbook check --online` against real local servers: a plain HTTP server and TLS servers
//! with a test certificate authority, answering like the web and like the GitHub REST API.
//! errbook is pointed at them with its documented settings (`github_api_url`,
//! `github_raw_url`, `ca_file`); no test reaches the internet.

#[path = "support/pages.rs"]
mod pages;
#[path = "support/web.rs"]
mod web;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use pages::{dated, literal, one_source_page, page, regex, site, src};
use serde_json::Value;
use web::{Issue, Reply, Server, TestCa, closed_port};

fn errbook(root: &Path, args: &[&str], token: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_errbook"));
    command
        .arg("--root")
        .arg(root)
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_TOKEN");
    // The servers are on loopback: no proxy of the environment may stand in between.
    for proxy in [
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ] {
        command.env_remove(proxy);
    }
    if let Some(token) = token {
        command.env("GITHUB_TOKEN", token);
    }
    let out = command.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "errbook panicked:\n{stderr}");
    out
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}):\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// The JSON report of `check --offline-cache-only`: what the cache and the disk alone say.
fn offline_report(root: &Path) -> Value {
    json(&errbook(
        root,
        &["check", "--offline-cache-only", "--format", "json"],
        None,
    ))
}

/// `slug: rule` for every diagnostic of a JSON report.
fn findings(report: &Value) -> BTreeSet<String> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let file = d["file"].as_str().unwrap();
            let slug = file
                .trim_start_matches("content/online/")
                .trim_end_matches(".md");
            format!("{slug}: {}", d["rule"].as_str().unwrap())
        })
        .collect()
}

fn diagnostic<'a>(report: &'a Value, slug: &str, rule: &str) -> &'a Value {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| {
            d["rule"] == rule
                && d["file"]
                    .as_str()
                    .unwrap()
                    .ends_with(&format!("/{slug}.md"))
        })
        .unwrap_or_else(|| panic!("no {rule} on {slug}:\n{report:#}"))
}

/// The servers and the site of the main online test: one page per case.
struct World {
    web: Server,
    api: Server,
    tls: Server,
    /// Kept so that its listener lives as long as the test.
    _untrusted: Server,
    ca: TestCa,
    pages: Vec<(&'static str, String)>,
    expected: Vec<&'static str>,
}

const OPENED: &str = "2025-03-10T12:00:00Z";

fn world() -> World {
    let ca = TestCa::new("errbook test CA");
    let web = Server::start();
    let api = Server::start_tls(ca.server_config());
    let tls = Server::start_tls(ca.server_config());
    let untrusted = Server::start_tls(TestCa::new("a CA nobody trusts").server_config());
    let w = |path: &str| web.url(path);
    let mut pages: Vec<(&'static str, String)> = Vec::new();
    let mut expected: Vec<&'static str> = Vec::new();
    let mut case = |slug: &'static str, text: String, rules: &[&'static str]| {
        pages.push((slug, text));
        expected.extend(rules.iter().copied());
    };

    // Web pages.
    web.route(
        "/docs/router",
        vec![Reply::html(
            "Router | Example Docs",
            "Router",
            "The router raises <code>DemoError: docs-ok happened</code> when no deployment is left.",
        )],
    );
    case(
        "docs-ok",
        page(
            "docs-ok",
            &[literal("DemoError: docs-ok happened")],
            &[src("docs", w("/docs/router"), "Router", "docs")],
        ),
        &[],
    );
    web.route("/old/page", vec![Reply::redirect(301, "/older/page")]);
    web.route("/older/page", vec![Reply::redirect(308, &w("/new/page"))]);
    web.route(
        "/new/page",
        vec![Reply::html("New page - Example", "New page", "Moved here.")],
    );
    web.route(
        "/temporary",
        vec![Reply::redirect(302, "/temporary/target")],
    );
    web.route(
        "/temporary/target",
        vec![Reply::html(
            "Temporary | Docs",
            "Temporary",
            "Here for now.",
        )],
    );
    web.route("/loop-a", vec![Reply::redirect(301, "/loop-b")]);
    web.route("/loop-b", vec![Reply::redirect(307, "/loop-a")]);
    web.route("/gone-404", vec![Reply::text("not here").with_status(404)]);
    web.route(
        "/gone-410",
        vec![Reply::text("gone for good").with_status(410)],
    );
    web.route(
        "/busy",
        vec![
            Reply::text("slow down")
                .with_status(429)
                .header("Retry-After", "1"),
            Reply::html("Busy | Docs", "Busy", "Answered on the second try."),
        ],
    );
    web.route(
        "/flaky",
        vec![
            Reply::text("down").with_status(503),
            Reply::text("broken").with_status(500),
            Reply::html("Flaky | Docs", "Flaky", "Up again."),
        ],
    );
    web.route(
        "/slow",
        vec![Reply::html("Slow | Docs", "Slow", "Too late.").after(Duration::from_millis(2500))],
    );
    tls.route(
        "/docs/tls",
        vec![Reply::html(
            "Over TLS | Docs",
            "Over TLS",
            "Trusted through ca_file.",
        )],
    );
    untrusted.route(
        "/docs/x",
        vec![Reply::html("Untrusted", "Untrusted", "Nobody trusts this.")],
    );
    web.route(
        "/docs/budgets",
        vec![Reply::html(
            "Budget routing | Example Docs",
            "Budget routing",
            "Budgets per provider.",
        )],
    );
    web.route(
        "/forbidden",
        vec![Reply::text("no robots").with_status(403)],
    );
    let refused = format!("http://127.0.0.1:{}/x", closed_port());
    // One docs source each, and a regex signature (no example: nothing for the evidence rule).
    // The last page cites the same URL as another.
    let docs: [(&'static str, String, &str, &[&'static str]); 16] = [
        (
            "docs-moved",
            w("/old/page"),
            "New page",
            &["docs-moved: source-moved"],
        ),
        ("docs-temporary", w("/temporary"), "Temporary", &[]),
        (
            "docs-loop",
            w("/loop-a"),
            "Loop",
            &["docs-loop: source-unreachable"],
        ),
        (
            "docs-404",
            w("/gone-404"),
            "Gone",
            &["docs-404: source-unreachable"],
        ),
        (
            "docs-410",
            w("/gone-410"),
            "Gone",
            &["docs-410: source-unreachable"],
        ),
        ("docs-429", w("/busy"), "Busy", &[]),
        ("docs-5xx", w("/flaky"), "Flaky", &[]),
        (
            "docs-slow",
            w("/slow"),
            "Slow",
            &["docs-slow: source-unreachable"],
        ),
        (
            "docs-refused",
            refused,
            "Refused",
            &["docs-refused: source-unreachable"],
        ),
        (
            "docs-dns",
            "http://docs.example.invalid/x".into(),
            "No such host",
            &["docs-dns: source-unreachable"],
        ),
        ("docs-tls", tls.url("/docs/tls"), "Over TLS", &[]),
        (
            "docs-tls-untrusted",
            untrusted.url("/docs/x"),
            "Untrusted",
            &["docs-tls-untrusted: source-unreachable"],
        ),
        (
            "docs-title",
            w("/docs/budgets"),
            "Provider budgets",
            &["docs-title: source-title-mismatch"],
        ),
        (
            "docs-forbidden",
            w("/forbidden"),
            "Forbidden",
            &["docs-forbidden: source-unverified"],
        ),
        (
            "docs-skipped",
            "https://skipped.example.org/x".into(),
            "Skipped",
            &[],
        ),
        ("docs-tls-shared", tls.url("/docs/tls"), "Over TLS", &[]),
    ];
    for (slug, url, title, rules) in docs {
        case(
            slug,
            page(slug, &[regex(slug)], &[src("docs", url, title, "docs")]),
            rules,
        );
    }

    // GitHub issues and pull requests, through the API.
    let a = api.base.clone();
    let gh = |kind: &str, n: u64| format!("https://github.com/acme/widget/{kind}/{n}");
    let issue = |number, title, state, body, comments, pull| Issue {
        owner: "acme",
        repo: "widget",
        number,
        title,
        created_at: OPENED,
        state,
        body,
        comments,
        pull,
    };
    api.route(
        "/repos/acme/widget/issues/1",
        vec![
            Reply::json(
                issue(1, "Widget fails under load", "open", "It fails.", 2, false).json(&a),
            )
            .header("x-ratelimit-remaining", "4999"),
        ],
    );
    api.route(
        "/repos/acme/widget/issues/1/comments?per_page=100",
        vec![Reply::json(serde_json::json!([
            {"body": "Same here."},
            {"body": "The log says:\n```\nWidgetError:   \"overloaded\" after 3 tries\n```"}
        ]))],
    );
    case(
        "issue-ok",
        page(
            "issue-ok",
            &[literal("WidgetError: 'overloaded' after 3 tries")],
            &[dated(
                src("gh-1", gh("issues", 1), "Widget fails under load", "issue"),
                "2025-03-10",
            )],
        ),
        &[],
    );
    api.route(
        "/repos/acme/widget/pulls/2",
        vec![Reply::json(
            issue(2, "Retry on overload", "merged", "Fixes #1.", 0, true).json(&a),
        )],
    );
    case(
        "pull-merged",
        one_source_page(
            "pull-merged",
            dated(
                src("pr-2", gh("pull", 2), "Retry on overload", "pull"),
                "2025-03-10",
            ),
        ),
        &["pull-merged: source-state"],
    );
    api.route(
        "/repos/acme/widget/pulls/3",
        vec![Reply::json(
            issue(
                3,
                "Raise the default budget",
                "closed-unmerged",
                "",
                0,
                true,
            )
            .json(&a),
        )],
    );
    case(
        "pull-unmerged",
        one_source_page(
            "pull-unmerged",
            dated(
                src("pr-3", gh("pull", 3), "Raise the default budget", "pull"),
                "2025-03-10",
            ),
        ),
        &["pull-unmerged: source-state"],
    );
    api.route(
        "/repos/acme/widget/issues/4",
        vec![Reply::json(
            issue(
                4,
                "[Bug]: budget is ignored for aliases",
                "open",
                "",
                0,
                false,
            )
            .json(&a),
        )],
    );
    case(
        "issue-title",
        one_source_page(
            "issue-title",
            dated(
                src("gh-4", gh("issues", 4), "Budget ignored", "issue"),
                "2025-03-10",
            ),
        ),
        &["issue-title: source-title-mismatch"],
    );
    api.route(
        "/repos/acme/widget/issues/5",
        vec![Reply::json(
            issue(5, "Dates are hard", "open", "", 0, false).json(&a),
        )],
    );
    case(
        "issue-date",
        one_source_page(
            "issue-date",
            dated(
                src("gh-5", gh("issues", 5), "Dates are hard", "issue"),
                "2025-03-20",
            ),
        ),
        &["issue-date: source-date-mismatch"],
    );
    // A transferred issue: the API redirects to the issue's new home, by repository id.
    api.route(
        "/repos/acme/widget/issues/6",
        vec![Reply::redirect(
            301,
            &format!("{a}/repositories/99/issues/16"),
        )],
    );
    let mut moved = Issue {
        owner: "acme-labs",
        repo: "widget-core",
        ..issue(16, "Transferred issue", "open", "", 0, false)
    }
    .json(&a);
    moved["number"] = serde_json::json!(16);
    api.route("/repositories/99/issues/16", vec![Reply::json(moved)]);
    case(
        "issue-transferred",
        one_source_page(
            "issue-transferred",
            dated(
                src("gh-6", gh("issues", 6), "Transferred issue", "issue"),
                "2025-03-10",
            ),
        ),
        &["issue-transferred: source-moved"],
    );
    // A renamed repository: the issue keeps its number; html_url names the new repository.
    api.route(
        "/repos/acme/old-widget/issues/7",
        vec![Reply::json(
            issue(7, "Renamed repository", "open", "", 0, false).json(&a),
        )],
    );
    case(
        "issue-renamed",
        one_source_page(
            "issue-renamed",
            dated(
                src(
                    "gh-7",
                    "https://github.com/acme/old-widget/issues/7".into(),
                    "Renamed repository",
                    "issue",
                ),
                "2025-03-10",
            ),
        ),
        &["issue-renamed: source-moved"],
    );
    // A source file, read raw.
    web.route(
        "/raw/acme/widget/main/widget/errors.py",
        vec![Reply::text(
            "class WidgetError(Exception):\n    pass\n\nraise WidgetError(\"quota exhausted for key\")\n",
        )],
    );
    case(
        "blob-source",
        page(
            "blob-source",
            &[literal("WidgetError(\"quota exhausted for key\")")],
            &[src(
                "src-errors",
                "https://github.com/acme/widget/blob/main/widget/errors.py#L4".into(),
                "widget/errors.py",
                "source",
            )],
        ),
        &[],
    );
    // Two literal signatures: one quoted in a source, one in none.
    web.route(
        "/docs/budget",
        vec![Reply::html(
            "Budgets | Example Docs",
            "Budgets",
            "When it runs out the widget prints <code>WidgetError: budget exhausted for key</code>.",
        )],
    );
    api.route(
        "/repos/acme/widget/issues/8",
        vec![Reply::json(
            issue(8, "Budget runs out", "open", "It stops working.", 0, false).json(&a),
        )],
    );
    case(
        "signatures",
        page(
            "signatures",
            &[
                literal("WidgetError: budget exhausted for key"),
                literal("the widget gives up when the budget runs out"),
            ],
            &[
                src("docs", w("/docs/budget"), "Budgets", "docs"),
                dated(
                    src("gh-8", gh("issues", 8), "Budget runs out", "issue"),
                    "2025-03-10",
                ),
            ],
        ),
        &["signatures: signature-without-evidence"],
    );
    // A regex signature's examples: one quoted in an issue comment, one in no source.
    api.route(
        "/repos/acme/widget/issues/9",
        vec![Reply::json(
            issue(
                9,
                "Retries wait too long",
                "open",
                "Slow retries.",
                1,
                false,
            )
            .json(&a),
        )],
    );
    api.route(
        "/repos/acme/widget/issues/9/comments?per_page=100",
        vec![Reply::json(serde_json::json!([
            {"body": "Log:\n    WidgetError: retry in 30 s for key-a\n"}
        ]))],
    );
    case(
        "examples",
        page(
            "examples",
            &[format!(
                "{{regex: 'WidgetError: retry in \\d+ s for \\S+', example: [{}, {}]}}",
                literal("WidgetError: retry in 30 s for key-a"),
                literal("WidgetError: retry in 5 s for key-b")
            )],
            &[dated(
                src("gh-9", gh("issues", 9), "Retries wait too long", "issue"),
                "2025-03-10",
            )],
        ),
        &["examples: signature-without-evidence"],
    );
    World {
        web,
        api,
        tls,
        _untrusted: untrusted,
        ca,
        pages,
        expected,
    }
}

fn settings(world: &World, extra: &str) -> String {
    format!(
        "github_api_url = \"{}\"\ngithub_raw_url = \"{}\"\nca_file = \"ca.pem\"\ntimeout_secs = 1\nretries = 2\nmax_retry_wait_secs = 5\nskip_hosts = [\"skipped.example.org\"]\n{extra}",
        world.api.base,
        world.web.url("/raw")
    )
}

#[test]
fn each_online_rule_fires_on_its_case_and_nothing_else_then_the_cache_answers() {
    let world = world();
    let dir = site(&settings(&world, ""), &world.pages, Some(&world.ca.pem()));
    let token = "ghp_test_token_never_printed";
    let started = Instant::now();
    let out = errbook(
        dir.path(),
        &["check", "--online", "--format", "json"],
        Some(token),
    );
    let first_run = started.elapsed();
    let report = json(&out);
    let expected: BTreeSet<String> = world.expected.iter().map(|s| s.to_string()).collect();
    assert_eq!(findings(&report), expected, "{report:#}");
    assert_eq!(out.status.code(), Some(1), "source-unreachable is an error");
    // Quiet in JSON: no progress line, nothing but the report.
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    for stream in [&out.stdout, &out.stderr] {
        assert!(!String::from_utf8_lossy(stream).contains(token));
    }

    // What each diagnostic says.
    let moved = diagnostic(&report, "docs-moved", "source-moved");
    assert!(
        moved["help"]
            .as_str()
            .unwrap()
            .contains(&world.web.url("/new/page")),
        "{moved}"
    );
    let title = diagnostic(&report, "issue-title", "source-title-mismatch");
    assert_eq!(
        title["message"],
        "the title differs from the issue's: the page says `Budget ignored`, GitHub says `[Bug]: budget is ignored for aliases`"
    );
    let docs_title = diagnostic(&report, "docs-title", "source-title-mismatch");
    assert!(
        docs_title["message"]
            .as_str()
            .unwrap()
            .contains("`Budget routing | Example Docs`")
    );
    let date = diagnostic(&report, "issue-date", "source-date-mismatch");
    assert_eq!(
        date["message"],
        "issue acme/widget#5 was opened on 2025-03-10 (2025-03-10T12:00:00Z), not on 2025-03-20"
    );
    assert_eq!(date["severity"], "warning");
    assert_eq!(
        diagnostic(&report, "pull-merged", "source-state")["message"],
        "pull request acme/widget#2 was merged on 2025-06-01"
    );
    let unmerged = diagnostic(&report, "pull-unmerged", "source-state");
    assert_eq!(
        unmerged["message"],
        "pull request acme/widget#3 was closed without being merged on 2025-06-01"
    );
    assert_eq!(unmerged["severity"], "info");
    assert!(
        diagnostic(&report, "issue-transferred", "source-moved")["message"]
            .as_str()
            .unwrap()
            .contains("was transferred: it is now acme-labs/widget-core#16")
    );
    assert!(
        diagnostic(&report, "issue-renamed", "source-moved")["help"]
            .as_str()
            .unwrap()
            .contains("https://github.com/acme/widget/issues/7")
    );
    let reason = |slug| {
        diagnostic(&report, slug, "source-unreachable")["message"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(reason("docs-404").ends_with("answered 404 Not Found"));
    assert!(reason("docs-410").ends_with("answered 410 Gone"));
    assert!(
        reason("docs-loop").contains("redirect loop"),
        "{}",
        reason("docs-loop")
    );
    assert!(
        reason("docs-slow").contains("no complete answer within 1 s (3 attempts)"),
        "{}",
        reason("docs-slow")
    );
    assert!(
        reason("docs-refused").contains("connection refused"),
        "{}",
        reason("docs-refused")
    );
    assert!(
        reason("docs-dns").contains("DNS lookup failed"),
        "{}",
        reason("docs-dns")
    );
    assert!(
        reason("docs-tls-untrusted").contains("TLS"),
        "{}",
        reason("docs-tls-untrusted")
    );
    let signature = diagnostic(&report, "signatures", "signature-without-evidence");
    assert!(
        signature["message"]
            .as_str()
            .unwrap()
            .starts_with("the signature `the widget gives up")
    );
    let examples: Vec<&Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["file"] == "content/online/examples.md")
        .collect();
    assert_eq!(examples.len(), 1, "{examples:#?}");
    assert_eq!(
        examples[0]["message"],
        "the example `WidgetError: retry in 5 s for key-b` occurs in none of the page's sources (gh-9)"
    );

    // Where each signature was found, in the JSON report.
    let signatures = report["online"]["signatures"].as_array().unwrap();
    let found_in = |text: &str| {
        let s = signatures.iter().find(|s| s["signature"] == text).unwrap();
        (
            s["status"].as_str().unwrap().to_string(),
            s["found_in"].clone(),
        )
    };
    assert_eq!(
        found_in("WidgetError: 'overloaded' after 3 tries"),
        ("found".into(), serde_json::json!(["gh-1"]))
    );
    assert_eq!(
        found_in("WidgetError: budget exhausted for key"),
        ("found".into(), serde_json::json!(["docs"]))
    );
    assert_eq!(
        found_in("the widget gives up when the budget runs out"),
        ("not-found".into(), serde_json::json!([]))
    );
    assert_eq!(
        found_in("WidgetError(\"quota exhausted for key\")").1,
        serde_json::json!(["src-errors"])
    );
    assert_eq!(
        found_in("WidgetError: retry in 30 s for key-a"),
        ("found".into(), serde_json::json!(["gh-9"]))
    );
    let example = signatures
        .iter()
        .find(|s| s["signature"] == "WidgetError: retry in 5 s for key-b")
        .unwrap();
    assert_eq!(
        (example["kind"].as_str(), example["status"].as_str()),
        (Some("example"), Some("not-found"))
    );
    let summary = &report["online"]["summary"];
    assert_eq!(summary["skipped"], 1);
    let cited: usize = world
        .pages
        .iter()
        .map(|(_, text)| text.matches("\n  - id: ").count())
        .sum();
    assert_eq!(summary["sources"], cited);

    // Retries: 429 then success honours Retry-After; 5xx twice then success; the slow page
    // is tried three times.
    assert_eq!(world.web.count("/busy"), 2);
    assert_eq!(world.web.count("/flaky"), 3);
    assert_eq!(world.web.count("/slow"), 3);
    // Two pages cite the same URL: it is requested once.
    assert_eq!(world.tls.count("/docs/tls"), 1);
    // The token goes to the API and nowhere else; every request says who is asking.
    for request in world.api.requests() {
        assert_eq!(
            request.header("Authorization"),
            Some(format!("Bearer {token}").as_str())
        );
        assert_eq!(
            request.header("Accept"),
            Some("application/vnd.github+json")
        );
    }
    for request in world
        .web
        .requests()
        .iter()
        .chain(world.tls.requests().iter())
    {
        assert_eq!(request.header("Authorization"), None, "{}", request.target);
        assert!(
            request
                .header("User-Agent")
                .unwrap()
                .starts_with("errbook/")
        );
    }
    // The GitHub API is asked serially: one request at a time (github_concurrency = 1).
    assert!(first_run < Duration::from_secs(20), "{first_run:?}");

    // Second run: fresh entries answer from the cache. Only failures are asked again.
    world.web.clear_log();
    world.api.clear_log();
    world.tls.clear_log();
    let again = errbook(dir.path(), &["check", "--online", "--format", "json"], None);
    let second = json(&again);
    assert_eq!(findings(&second), expected);
    assert_eq!(world.api.requests().len(), 0);
    assert_eq!(world.tls.requests().len(), 0);
    let asked: BTreeSet<String> = world.web.requests().into_iter().map(|r| r.target).collect();
    let failures: BTreeSet<String> = ["/loop-a", "/loop-b", "/slow", "/forbidden"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(asked, failures);

    // Without the network: the same findings from the cache, with their date, no request.
    world.web.clear_log();
    let offline = errbook(
        dir.path(),
        &["check", "--offline-cache-only", "--format", "json"],
        None,
    );
    let cached = json(&offline);
    assert_eq!(findings(&cached), expected);
    assert!(world.web.requests().is_empty() && world.api.requests().is_empty());
    let unreachable = diagnostic(&cached, "docs-404", "source-unreachable");
    assert!(
        unreachable["message"]
            .as_str()
            .unwrap()
            .contains("(as of the online check of ")
    );
    assert_eq!(cached["online"]["mode"], "cache-only");

    // The state of each pull request is shown next to it on the built page; build sends
    // nothing.
    let built = errbook(dir.path(), &["build"], None);
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let html =
        fs::read_to_string(dir.path().join("public/online/pull-unmerged/index.html")).unwrap();
    assert!(
        html.contains("source-state-closed-unmerged\">Closed without merging</span>"),
        "{html}"
    );
    let merged =
        fs::read_to_string(dir.path().join("public/online/pull-merged/index.html")).unwrap();
    assert!(merged.contains(">Merged</span>"));
    assert!(world.web.requests().is_empty() && world.api.requests().is_empty());
}

#[test]
fn a_stale_entry_is_revalidated_with_its_etag() {
    let web = Server::start();
    web.route(
        "/docs/etag",
        vec![
            Reply::html("Tagged | Docs", "Tagged", "OnlineError: tagged page").with_etag("\"v1\""),
        ],
    );
    let pages = [(
        "etag",
        page(
            "etag",
            &[literal("OnlineError: tagged page")],
            &[src("docs", web.url("/docs/etag"), "Tagged", "docs")],
        ),
    )];
    // max_age_hours = 0: every entry is stale at once, so every run revalidates.
    let dir = site("max_age_hours = 0\n", &pages, None);
    let first = json(&errbook(
        dir.path(),
        &["check", "--online", "--format", "json"],
        None,
    ));
    assert_eq!(findings(&first), BTreeSet::new());
    let second = json(&errbook(
        dir.path(),
        &["check", "--online", "--format", "json"],
        None,
    ));
    assert_eq!(findings(&second), BTreeSet::new());
    let requests = web.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].header("If-None-Match"), None);
    assert_eq!(requests[1].header("If-None-Match"), Some("\"v1\""));
    // The 304 kept what the first answer said: the signature is still found there.
    let signatures = &second["online"]["signatures"][0];
    assert_eq!(signatures["found_in"], serde_json::json!(["docs"]));
    assert_eq!(second["online"]["summary"]["requests"], 1);
}

#[test]
fn an_exhausted_github_rate_limit_gives_one_diagnostic_and_no_wait() {
    let ca = TestCa::new("errbook test CA");
    let api = Server::start_tls(ca.server_config());
    let reset = (std::time::SystemTime::now() + Duration::from_secs(3600))
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string();
    let limited = |reply: Reply, remaining: &str| {
        reply
            .header("x-ratelimit-limit", "60")
            .header("x-ratelimit-remaining", remaining)
            .header("x-ratelimit-reset", reset.clone())
    };
    let mut pages = Vec::new();
    for n in 1..=5u64 {
        let issue = Issue {
            owner: "acme",
            repo: "widget",
            number: n,
            title: "Rate limited",
            created_at: OPENED,
            state: "open",
            body: "",
            comments: 0,
            pull: false,
        };
        let reply = match n {
            1 => limited(Reply::json(issue.json(&api.base)), "1"),
            2 => limited(Reply::json(issue.json(&api.base)), "0"),
            _ => limited(
                Reply::json(serde_json::json!({
                    "message": "API rate limit exceeded for 127.0.0.1.",
                    "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
                })),
                "0",
            )
            .with_status(403),
        };
        api.route(&format!("/repos/acme/widget/issues/{n}"), vec![reply]);
        let slug: &'static str = Box::leak(format!("limited-{n}").into_boxed_str());
        pages.push((
            slug,
            page(
                slug,
                &[regex(slug)],
                &[dated(
                    src(
                        "gh",
                        format!("https://github.com/acme/widget/issues/{n}"),
                        "Rate limited",
                        "issue",
                    ),
                    "2025-03-10",
                )],
            ),
        ));
    }
    let settings = format!("github_api_url = \"{}\"\nca_file = \"ca.pem\"\n", api.base);
    let dir = site(&settings, &pages, Some(&ca.pem()));
    let started = Instant::now();
    let out = errbook(dir.path(), &["check", "--online", "--format", "json"], None);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    let report = json(&out);
    let found = findings(&report);
    assert_eq!(
        found,
        ["limited-3: online-incomplete".to_string()]
            .into_iter()
            .collect(),
        "{report:#}"
    );
    let d = diagnostic(&report, "limited-3", "online-incomplete");
    let message = d["message"].as_str().unwrap();
    assert!(
        message.starts_with(
            "3 of 5 sources were left unchecked: the GitHub API rate limit is exhausted until "
        ),
        "{message}"
    );
    assert!(d["help"].as_str().unwrap().contains("GITHUB_TOKEN"));
    // The budget was known to be spent after the second answer: nothing more was sent.
    assert_eq!(api.requests().len(), 2);
    assert_eq!(report["online"]["summary"]["unchecked"], 3);
    // A warning by default: the run itself succeeds unless warnings are denied.
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn cache_only_without_a_cache_reports_what_is_missing() {
    let pages = [(
        "never-checked",
        one_source_page(
            "never-checked",
            src(
                "docs",
                "https://docs.example.org/never".into(),
                "Never",
                "docs",
            ),
        ),
    )];
    let dir = site("", &pages, None);
    let report = offline_report(dir.path());
    assert_eq!(
        findings(&report),
        ["never-checked: online-incomplete".to_string()]
            .into_iter()
            .collect()
    );
    assert_eq!(
        diagnostic(&report, "never-checked", "online-incomplete")["message"],
        "1 of 1 sources have no cached result to report"
    );
}

#[test]
fn check_and_build_stay_offline_without_the_flag() {
    let web = Server::start();
    let pages = [(
        "offline",
        one_source_page("offline", src("docs", web.url("/docs/x"), "X", "docs")),
    )];
    let dir = site("", &pages, None);
    let out = errbook(dir.path(), &["check", "--format", "json"], None);
    let report = json(&out);
    assert_eq!(findings(&report), BTreeSet::new());
    assert!(report.get("online").is_none());
    assert!(errbook(dir.path(), &["build"], None).status.success());
    assert!(web.requests().is_empty());
}

#[test]
fn bad_online_settings_are_located_config_errors() {
    let dir = site(
        "concurrency = 0\nper_host_rate = -1.0\ngithub_api_url = \"ftp://x\"\nskip_hosts = [\"https://a.org/\"]\nretries = 99\n",
        &[],
        None,
    );
    let out = errbook(dir.path(), &["check", "--online", "--format", "json"], None);
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    let found: Vec<(String, u64)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let mut lines: Vec<u64> = found.iter().map(|(_, l)| *l).collect();
    lines.sort();
    assert!(found.iter().all(|(r, _)| r == "bad-config"), "{found:?}");
    // [check.online] starts on line 12 of the generated errbook.toml.
    assert_eq!(lines, [13, 14, 15, 16, 17], "{report:#}");

    let typo = site("concurency = 4\n", &[], None);
    let report = json(&errbook(typo.path(), &["check", "--format", "json"], None));
    let d = &report["diagnostics"][0];
    assert_eq!(d["rule"], "unknown-field");
    assert_eq!(d["help"], "did you mean `concurrency`?");

    let missing_ca = site("ca_file = \"nowhere.pem\"\n", &[], None);
    let out = errbook(missing_ca.path(), &["check", "--online"], None);
    assert_eq!(
        out.status.code(),
        Some(2),
        "a CA file that cannot be read stops the run"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("nowhere.pem"));
}

/// A `capture` source is a file of the site: read from `static/` as evidence, whole, and
/// never requested or judged as a web page.
#[test]
fn a_capture_is_evidence_read_from_disk_and_never_requested() {
    let web = Server::start();
    web.route(
        "/docs/widget",
        vec![Reply::html(
            "Widget | Example Docs",
            "Widget",
            "The widget retries a failed call on another group.",
        )],
    );
    let log = "# Captured by capture.sh\n# Widget 2.0, Python 3.11\n# Command: widget --config c.yaml\n\
               # --- output ---\n12:00:01 - Widget:ERROR: router.py:10 - WidgetError: fallback to \"backup\" failed\n\
               12:00:02 - Widget:INFO: skipping group free, already tried\n\
               {\"error\":{\"message\":\"WidgetError: quota spent\\nReceived group=free\"}}\n";
    let capture = |id: &str, file: &str| {
        src(
            id,
            format!("/captures/widget/{file}"),
            "Widget 2.0, a fallback to a spent group (captured run)",
            "capture",
        )
    };
    let example =
        |pattern: &str, text: &str| format!("{{regex: '{pattern}', example: [{}]}}", literal(text));
    let pages = [
        (
            "beside-the-web",
            page(
                "beside-the-web",
                &[
                    // Found in the capture, whose quotes and line breaks differ.
                    example(
                        "WidgetError: fallback to \\S+ failed",
                        "WidgetError: fallback to 'backup' failed",
                    ),
                    literal("WidgetError: quota spent\\nReceived group=free"),
                    // In no source: reported, at the example.
                    example(
                        "WidgetError: invented \\w+",
                        "WidgetError: invented for the test",
                    ),
                ],
                &[
                    src("docs", web.url("/docs/widget"), "Widget", "docs"),
                    capture("run", "fallback.log"),
                ],
            ),
        ),
        (
            "capture-only",
            page(
                "capture-only",
                &[example(
                    "skipping group \\S+, already tried",
                    "Widget:INFO: skipping group free, already tried",
                )],
                &[capture("run", "fallback.log")],
            ),
        ),
    ];
    let dir = site("", &pages, None);
    fs::create_dir_all(dir.path().join("static/captures/widget")).unwrap();
    fs::write(dir.path().join("static/captures/widget/fallback.log"), log).unwrap();

    let out = errbook(dir.path(), &["check", "--online", "--format", "json"], None);
    let report = json(&out);
    assert_eq!(
        findings(&report),
        ["beside-the-web: signature-without-evidence".to_string()]
            .into_iter()
            .collect(),
        "{report:#}"
    );
    let missing = diagnostic(&report, "beside-the-web", "signature-without-evidence");
    assert!(
        missing["message"].as_str().unwrap().contains(
            "`WidgetError: invented for the test` occurs in none of the page's sources (docs, run)"
        ),
        "{missing:#}"
    );
    let signatures = report["online"]["signatures"].as_array().unwrap();
    let found_in = |text: &str| -> Vec<&Value> {
        signatures
            .iter()
            .filter(|s| s["signature"].as_str().unwrap().starts_with(text))
            .map(|s| &s["found_in"])
            .collect()
    };
    for text in ["WidgetError: fallback to", "Widget:INFO: skipping"] {
        assert_eq!(found_in(text), [&serde_json::json!(["run"])], "{text}");
    }
    assert_eq!(
        found_in("WidgetError: quota spent"),
        [&serde_json::json!(["run"])]
    );
    // Only the web source is a source of the online report, and only it was requested.
    let sources = report["online"]["sources"].as_array().unwrap();
    assert_eq!(sources.len(), 1, "{sources:#?}");
    assert_eq!(sources[0]["id"], "docs");
    let requested: Vec<String> = web.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(requested, ["/docs/widget"]);

    // Without its file, the capture is no evidence: offline it is `missing-capture`, and the
    // online check does not call its example unfounded on the strength of an unread file.
    fs::remove_file(dir.path().join("static/captures/widget/fallback.log")).unwrap();
    let report = offline_report(dir.path());
    assert_eq!(
        findings(&report),
        [
            "beside-the-web: missing-capture",
            "capture-only: missing-capture",
        ]
        .into_iter()
        .map(String::from)
        .collect(),
        "{report:#}"
    );
    let statuses: Vec<&str> = report["online"]["signatures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["unknown"; 4], "{report:#}");
}
