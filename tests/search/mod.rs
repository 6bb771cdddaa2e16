//! Search: `errbook search`, parity of the browser engine (run under node) with tantivy, the
//! quality set, and the search box in headless Chromium.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use serde_json::Value;

use super::{browser, bundled_site, copy_dir, errbook, stderr};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A built site of 120 generated pages (fifteen tools, eight categories) plus the bundled
/// LiteLLM pages: enough pages for rankings to mean something. Built once per test run.
fn parity_site() -> &'static Path {
    static SITE: OnceLock<PathBuf> = OnceLock::new();
    SITE.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("search-parity");
        let _ = std::fs::remove_dir_all(&dir);
        // `cargo test` builds the examples next to the test binaries.
        let gen_site = Path::new(env!("CARGO_BIN_EXE_errbook"))
            .parent()
            .unwrap()
            .join("examples/gen_site");
        assert!(
            gen_site.exists(),
            "{} is missing: run the suite with `cargo test`, which builds the examples",
            gen_site.display()
        );
        let out = Command::new(&gen_site)
            .args(["--pages", "120", "--out"])
            .arg(&dir)
            .output()
            .unwrap();
        assert!(out.status.success(), "gen_site failed: {}", stderr(&out));
        copy_dir(
            &repo().join("content/litellm"),
            &dir.join("content/litellm"),
        );
        copy_dir(
            &repo().join("static/captures/litellm"),
            &dir.join("static/captures/litellm"),
        );
        // The bundled pages' categories, where the generated config lacks them.
        let config_path = dir.join("errbook.toml");
        let mut config = std::fs::read_to_string(&config_path).unwrap();
        let ours = std::fs::read_to_string(repo().join("errbook.toml")).unwrap();
        for block in ours.split("[[categories]]").skip(1) {
            let id_line = block.lines().find(|l| l.starts_with("id")).unwrap();
            if !config.contains(id_line) {
                config.push_str("\n[[categories]]");
                config.push_str(block.trim_end());
                config.push('\n');
            }
        }
        std::fs::write(&config_path, config).unwrap();
        // Not `errbook()`: generated page names such as `cargo-panicked-at-unwrap` would trip
        // its check for a panic in the warnings.
        let out = Command::new(env!("CARGO_BIN_EXE_errbook"))
            .arg("--root")
            .arg(&dir)
            .arg("build")
            .output()
            .unwrap();
        assert!(out.status.success(), "build failed: {}", stderr(&out));
        dir
    })
}

/// `errbook search --json --limit N <text>` on a site.
fn cli_search(root: &Path, text: &str, limit: usize) -> Vec<Value> {
    let out = errbook(
        root,
        // `--`: a paste may start with `-` (a log line such as `-  litellm.proxy...`).
        &[
            "search",
            "--json",
            "--limit",
            &limit.to_string(),
            "--",
            text,
        ],
    );
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("search --json printed no JSON ({e}): {}", stderr(&out)));
    json["results"].as_array().unwrap().clone()
}

/// The browser engine's results for each query, run under node on the built site.
fn node_search(public: &Path, queries: &[String], limit: usize) -> Vec<Vec<Value>> {
    let mut child = Command::new("node")
        .arg(repo().join("tests/browser/parity.js"))
        .arg(public)
        .arg(limit.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node runs (node 20 or newer must be installed)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(serde_json::to_string(queries).unwrap().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "node: {}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A Bedrock rate-limit error as the LiteLLM proxy logs it, with the fallback line after it.
const BEDROCK_RATE_LIMIT: &str = "litellm.RateLimitError: BedrockException - \
    {\"message\":\"Too many tokens\"}. Received Model Group=claude-x\n\
    Available Model Group Fallbacks=None";

#[test]
fn a_damaged_search_cache_is_rebuilt_not_trusted() {
    let site = bundled_site();
    let pasted = BEDROCK_RATE_LIMIT;
    let first = cli_search(site.path(), pasted, 3);
    let meta = site.path().join(".errbook/cache/search/meta.json");
    let whole = std::fs::read(&meta).unwrap();
    // Cut mid-write, then replaced by junk: each time the next search rebuilds the cache and
    // answers as before.
    for damaged in [&whole[..whole.len() / 2], b"\xff not json".as_slice()] {
        std::fs::write(&meta, damaged).unwrap();
        assert_eq!(cli_search(site.path(), pasted, 3), first);
        assert_eq!(
            std::fs::read(&meta).unwrap(),
            whole,
            "the cache is written again"
        );
    }
}

#[test]
fn search_cli_ranks_signature_matches_first_and_reads_stdin() {
    let site = bundled_site();
    let pasted = BEDROCK_RATE_LIMIT;
    let results = cli_search(site.path(), pasted, 10);
    assert_eq!(results[0]["slug"], "rate-limit-error-not-falling-back");
    assert!(
        results[0]["signature"]
            .as_str()
            .unwrap()
            .starts_with("litellm\\.RateLimitError")
    );
    assert_eq!(
        results[0]["url"],
        "https://errbook.example.org/litellm/rate-limit-error-not-falling-back/"
    );
    for key in ["slug", "title", "url", "score", "signature"] {
        assert!(results[0].get(key).is_some(), "no {key} in {}", results[0]);
    }
    // The cache was written outside the output and is reused.
    assert!(site.path().join(".errbook/cache/search/meta.json").exists());

    // `-` reads a log from stdin; human output names the page and the matched signature.
    let mut child = Command::new(env!("CARGO_BIN_EXE_errbook"))
        .arg("--root")
        .arg(site.path())
        .args(["search", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"INFO: something\nNo fallback model group found for original model_group=alias-1 Fallbacks=[{'gpt-4o': ['b']}]\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        text.starts_with("1. LiteLLM \"No fallback model group found for original model_group\""),
        "{text}"
    );
    assert!(
        text.contains("matched signature: No fallback model group"),
        "{text}"
    );

    // A log with stray bytes that are not UTF-8 (Latin-1, binary) is read lossily; the JSON
    // counts the replaced bytes. A paste cut off inside a signature's message matches it
    // partially.
    let mut log = b"caf\xe9 \xff\xfe junk\n".to_vec();
    log.extend_from_slice(
        b"No deployments available for selected model, Try again in 5 seconds. Passed model=gpt-4o. pre-call-",
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_errbook"))
        .arg("--root")
        .arg(site.path())
        .args(["search", "--json", "--limit", "3", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&log).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["replaced_bytes"], 3, "{json}");
    assert_eq!(json["results"][0]["match"], "partial", "{json}");
    assert!(
        json["results"][0]["slug"]
            .as_str()
            .unwrap()
            .starts_with("no-deployments-available"),
        "{json}"
    );

    // Words only: no page matches the error; it says so, lists the pages as possibly related,
    // and exits 1.
    let out = errbook(
        site.path(),
        &["search", "--limit", "2", "fallback not working"],
    );
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with(
            "No page matches this error. Pages that share words with it (possibly related):\n1. "
        ),
        "{text}"
    );

    // Nothing found: exit 1, empty results.
    let out = errbook(site.path(), &["search", "--json", "zzqxv"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        r#"{"results":[],"replaced_bytes":0,"cut_bytes":0}"#
    );

    // --category narrows to one category; a tool no page has is an error with a suggestion.
    let message = "No deployments available for selected model";
    let out = errbook(
        site.path(),
        &["search", "--json", "--category", "fallbacks", message],
    );
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = json["results"].as_array().unwrap();
    assert!(!results.is_empty());
    assert!(
        results.iter().all(|r| r["category"] == "fallbacks"),
        "{json}"
    );
    let out = errbook(site.path(), &["search", "--tool", "litelm", message]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no page has the tool `litelm`; did you mean `litellm`?"),
        "{}",
        stderr(&out)
    );
}

/// Questions typed in words: titles of real LiteLLM issues, each cited by the page that explains
/// its symptom, and the issue's own example of a query with a status code.
#[test]
fn natural_language_queries_find_the_page_about_the_symptom() {
    let site = bundled_site();
    for (query, page) in [
        // BerriAI/litellm#10317, #8248, #23749, #20870 (titles), and the question of issue 12.
        (
            "model_group_alias ed model does not respect fallbacks",
            "fallbacks-ignored-for-model-group-alias",
        ),
        (
            "Loop when background_health_checks is set to true",
            "background-health-checks-loop",
        ),
        (
            "dynamic_rate_limiter_v3 do not trigger fallback",
            "dynamic-rate-limiter-429-before-fallback",
        ),
        (
            "Fallbacks on STREAMING do not work with Pydantic-AI when Gemini 3 Preview throws 429 rate limit error",
            "streaming-requests-do-not-fall-back",
        ),
    ] {
        let results = cli_search(site.path(), query, 3);
        assert_eq!(results[0]["slug"], page, "{query}");
        assert_eq!(results[0]["match"], "words", "{query}");
    }
    // A status code brings its name: the first result is about a 429 that did not fall back.
    let results = cli_search(site.path(), "429 fallback not working litellm proxy", 3);
    let title = results[0]["title"].as_str().unwrap();
    assert!(title.contains("429") && title.contains("fall"), "{title}");
}

#[test]
fn a_changed_page_refreshes_the_search_cache() {
    let site = bundled_site();
    assert!(cli_search(site.path(), "zebracorn", 5).is_empty());
    let page = site
        .path()
        .join("content/litellm/no-deployments-available-cooldown.md");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(
        &page,
        text.replace("## FAQ", "## FAQ\n\nA zebracorn note.\n"),
    )
    .unwrap();
    let results = cli_search(site.path(), "zebracorn", 5);
    assert_eq!(results[0]["slug"], "no-deployments-available-cooldown");
}

#[test]
fn the_build_exports_a_versioned_browser_index_and_a_search_box_on_every_page() {
    let site = parity_site();
    let public = site.join("public");
    let home = std::fs::read_to_string(public.join("index.html")).unwrap();
    let entry = home
        .split("data-index=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("the search form names the index's entry point");
    assert_eq!(entry, "search/entry.js", "pages name the fixed entry point");
    let manifest = manifest_of(site);
    assert!(manifest.starts_with("search/") && manifest.ends_with("/manifest.js"));
    assert!(public.join(manifest).exists());
    for page in [
        "index.html",
        "search/index.html",
        "litellm/no-deployments-available-cooldown/index.html",
        "404.html",
    ] {
        let html = std::fs::read_to_string(public.join(page)).unwrap();
        assert!(
            html.contains(r#"<textarea id="search-q" name="q" rows="1""#),
            "{page}"
        );
        assert!(html.contains(r#"id="search-results""#), "{page}");
        assert!(html.contains(r#"<label class="search-label" for="search-q">"#));
    }
    // The tantivy index stays out of the published output (the build makes none: `errbook
    // search` builds its cache).
    assert!(
        !walkdir::WalkDir::new(&public)
            .into_iter()
            .any(|e| { e.unwrap().file_name().to_string_lossy().ends_with(".idx") })
    );
}

/// Queries whose top 5 the browser engine must return exactly as tantivy does.
fn parity_queries(site: &Path) -> Vec<String> {
    let mut queries: Vec<String> = [
        "429",
        "rate limit",
        "permission denied",
        "timeout",
        "connection refused",
        "out of memory",
        "litellm.RateLimitError",
        "No deployments available for selected model",
        "model_group_alias fallbacks",
        "Café déjà vu résumé",
        "!!! ???",
        "HTTPError: 503 Service Unavailable",
        "litellm.RateLimitError: BedrockException - {\"message\":\"Too many tokens\"}. Received Model Group=x\nAvailable Model Group Fallbacks=None",
        "Traceback (most recent call last):\n  File \"/usr/lib/python3.11/site-packages/litellm/router.py\", line 826, in acompletion\n    raise e\nlitellm.types.router.RouterRateLimitError: No deployments available for selected model, Try again in 5 seconds. Passed model=gpt-4o. pre-call-checks=False",
        // Printed other ways: JSON-escaped on one line, coloured and prefixed, cut off.
        r#"{"level":"ERROR","message":"litellm.RateLimitError: BedrockException - {\"message\":\"Too many\"}. Received Model Group=x\nAvailable Model Group Fallbacks=None"}"#,
        r"\x1b[91m12:00:01 - LiteLLM Router:ERROR: router.py:1 - No fallback model group found for original model_group=my-alias. Fallbacks=[{'gpt-4o': ['b']}]\x1b[0m",
        r"litellm.RateLimitError: AzureException RateLimitError - quota. Received Model Group=gpt-5.1\nAvailable Model Group",
        "No deployments available for selected model, Try again in 5 seconds. Passed model=gpt-4o. pre-call-",
    ]
    .map(String::from)
    .to_vec();
    // Titles and signatures of generated pages, one literal with its number changed.
    let content = site.join("content");
    for tool in ["docker", "redis", "pip", "kubectl"] {
        let first = std::fs::read_dir(content.join(tool))
            .unwrap()
            .map(|e| e.unwrap().path())
            .min()
            .unwrap();
        let text = std::fs::read_to_string(first).unwrap();
        for line in text.lines().take(12) {
            if let Some(title) = line.strip_prefix("title: ") {
                queries.push(title.trim_matches('\'').to_string());
            }
            if let Some(sig) = line.strip_prefix("  - '") {
                let sig = sig.trim_end_matches('\'');
                queries.push(sig.replace('1', "7"));
            }
        }
    }
    queries
}

#[test]
fn the_browser_engine_ranks_like_tantivy() {
    let site = parity_site();
    let queries = parity_queries(site);
    let browser = node_search(&site.join("public"), &queries, 5);
    let mut with_results = 0;
    for (query, js) in queries.iter().zip(&browser) {
        let rust = cli_search(site, query, 5);
        let rust_top: Vec<(&Value, &Value, &Value)> = rust
            .iter()
            .map(|r| (&r["slug"], &r["signature"], &r["match"]))
            .collect();
        let js_top: Vec<(&Value, &Value, &Value)> = js
            .iter()
            .map(|r| (&r["slug"], &r["signature"], &r["match"]))
            .collect();
        assert_eq!(js_top, rust_top, "top 5 differ for {query:?}");
        for (r, j) in rust.iter().zip(js) {
            let (r, j) = (r["score"].as_f64().unwrap(), j["score"].as_f64().unwrap());
            assert!((r - j).abs() < 1e-3, "scores {r} and {j} for {query:?}");
        }
        with_results += usize::from(!rust.is_empty());
    }
    // The set exercises real rankings, not empty agreement.
    assert!(with_results >= queries.len() - 2, "{with_results}");
}

/// One case of the quality set: a real message as the program printed it, the page that
/// explains it (`None`: no bundled page does), where it was found and the failure classes of
/// issue 12 it exercises.
struct QualityCase {
    file: String,
    page: Option<String>,
    source: String,
    text: String,
}

/// Every case of every `tests/search/quality/*.json`, in file then case order.
fn quality_set() -> Vec<QualityCase> {
    let dir = repo().join("tests/search/quality");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut set = Vec::new();
    for path in files {
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let cases: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(&path).unwrap())
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        for case in cases {
            let page = match &case["page"] {
                Value::String(slug) => Some(slug.clone()),
                Value::Null => None,
                other => panic!("{file}: `page` is a slug or null, not {other}"),
            };
            let source = case
                .get("url")
                .or_else(|| case.get("source"))
                .and_then(Value::as_str)
                .unwrap_or_else(|| panic!("{file}: a case without `url` or `source`"))
                .to_string();
            let text = case["text"].as_str().expect("`text`").to_string();
            set.push(QualityCase {
                file: file.clone(),
                page,
                source,
                text,
            });
        }
    }
    set
}

/// How one engine did on the quality set.
#[derive(Default)]
struct Scores {
    /// 1-based rank of the expected page among the results, per in-scope case.
    ranks: Vec<Option<usize>>,
    /// How the first result of each out-of-scope case matched (`none` without results).
    out_of_scope: std::collections::BTreeMap<String, usize>,
    /// Out-of-scope cases that some result claims by `signature`.
    false_signatures: Vec<String>,
    misses: Vec<String>,
}

impl Scores {
    fn recall_at(&self, k: usize) -> f64 {
        let hits = self
            .ranks
            .iter()
            .filter(|r| r.is_some_and(|r| r <= k))
            .count();
        hits as f64 / self.ranks.len() as f64
    }

    fn mrr(&self) -> f64 {
        let sum: f64 = self
            .ranks
            .iter()
            .map(|r| r.map_or(0.0, |r| 1.0 / r as f64))
            .sum();
        sum / self.ranks.len() as f64
    }

    fn line(&self, engine: &str) -> String {
        let outside: Vec<String> = self
            .out_of_scope
            .iter()
            .map(|(how, n)| format!("{n} {how}"))
            .collect();
        format!(
            "{engine}: recall@1 {:.3}, recall@3 {:.3}, MRR {:.3} on {} cases with a page; \
             first result of the {} without one: {}",
            self.recall_at(1),
            self.recall_at(3),
            self.mrr(),
            self.ranks.len(),
            self.out_of_scope.values().sum::<usize>(),
            outside.join(", ")
        )
    }
}

/// How a result matched; results of an engine without the `match` field count a signature
/// as `signature` and anything else as `words`.
fn match_kind(result: &Value) -> String {
    match result.get("match").and_then(Value::as_str) {
        Some(kind) => kind.to_string(),
        None if result["signature"].is_string() => "signature".to_string(),
        None => "words".to_string(),
    }
}

fn score_case(scores: &mut Scores, case: &QualityCase, results: &[Value]) {
    let label = format!("{} {}", case.file, case.source);
    match &case.page {
        Some(page) => {
            let rank = results.iter().position(|r| r["slug"] == page.as_str());
            scores.ranks.push(rank.map(|r| r + 1));
            if rank != Some(0) {
                let first = results.first().map_or("nothing".to_string(), |r| {
                    format!("{} ({})", r["slug"].as_str().unwrap_or("?"), match_kind(r))
                });
                scores.misses.push(format!(
                    "{label}: expected {page} at rank {}, first {first}",
                    rank.map_or("-".to_string(), |r| (r + 1).to_string())
                ));
            }
        }
        None => {
            let first = results.first().map_or("none".to_string(), match_kind);
            *scores.out_of_scope.entry(first).or_default() += 1;
            if let Some(claimed) = results.iter().find(|r| match_kind(r) == "signature") {
                scores.false_signatures.push(format!(
                    "{label}: claimed by {} through `{}`",
                    claimed["slug"], claimed["signature"]
                ));
            }
        }
    }
}

/// The quality set (tests/search/quality/*.json): real LiteLLM messages from public issues and
/// LiteLLM's source, each with the page that explains it or none. Reports recall@1, recall@3
/// and MRR for `errbook search` and the browser engine, and what the out-of-scope cases got;
/// fails below 0.95 recall@1 or when a page claims an out-of-scope case by its signature.
#[test]
fn quality_on_real_litellm_errors() {
    const LIMIT: usize = 10;
    const MIN_RECALL_AT_1: f64 = 0.95;
    let site = bundled_site();
    let set = quality_set();
    assert!(set.len() >= 60, "the quality set shrank to {}", set.len());
    let texts: Vec<String> = set.iter().map(|c| c.text.clone()).collect();
    let out = errbook(site.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let browser = node_search(&site.path().join("public"), &texts, LIMIT);
    let (mut cli, mut js) = (Scores::default(), Scores::default());
    for (case, js_results) in set.iter().zip(&browser) {
        score_case(&mut cli, case, &cli_search(site.path(), &case.text, LIMIT));
        score_case(&mut js, case, js_results);
    }
    println!("search quality on {} real messages", set.len());
    println!("{}", cli.line("errbook search"));
    println!("{}", js.line("browser engine"));
    for miss in &cli.misses {
        println!("  not first (errbook search): {miss}");
    }
    for miss in &js.misses {
        println!("  not first (browser engine): {miss}");
    }
    for (engine, scores) in [("errbook search", &cli), ("browser engine", &js)] {
        for claimed in &scores.false_signatures {
            println!("  out of scope, yet a signature match ({engine}): {claimed}");
        }
    }
    for (engine, scores) in [("errbook search", &cli), ("browser engine", &js)] {
        assert!(
            scores.recall_at(1) >= MIN_RECALL_AT_1,
            "{engine}: recall@1 {:.3} is below {MIN_RECALL_AT_1}",
            scores.recall_at(1)
        );
        assert_eq!(
            scores.false_signatures,
            Vec::<String>::new(),
            "{engine}: out-of-scope cases claimed by a signature"
        );
    }
}

#[test]
fn the_search_box_works_in_headless_chromium() {
    let site = parity_site();
    let scripts = browser::scripts();
    // A real proxy log with a traceback (litellm issue #20867, from the quality set), pasted
    // as is and as a JSON logger prints it: one line, line breaks and quotes escaped.
    let traceback = quality_set()
        .into_iter()
        .find(|c| c.source == "https://github.com/BerriAI/litellm/issues/20867")
        .expect("the #20867 case")
        .text;
    let json_log =
        serde_json::json!({"level": "ERROR", "logger": "LiteLLM Proxy", "message": traceback})
            .to_string();
    let expectations = serde_json::json!({
        "from": "litellm/rate-limit-error-not-falling-back/",
        "widgetPage": "litellm/fallbacks-not-a-list/",
        "typed": {
            "text": "No fallback model group found for original model_group=my-alias",
            "slug": "fallbacks-ignored-for-model-group-alias"
        },
        "pasted": [
            {"name": "multi-line traceback", "text": traceback, "slug": "no-deployments-available-rpm-limit"},
            {"name": "one-line JSON log", "text": json_log, "slug": "no-deployments-available-rpm-limit"},
            {
                "name": "one-line error with an escaped line break",
                "text": "litellm.RateLimitError: BedrockException - {\"message\":\"Too many tokens, please wait before trying again.\"}. Received Model Group=anthropic.claude-sonnet-4-20250514-v1:0\\nAvailable Model Group Fallbacks=None",
                "slug": "rate-limit-error-not-falling-back"
            }
        ],
        "words": {"text": "429 fallback not working litellm proxy"},
        "filter": {"tool": "redis", "text": "error"},
        "linked": {
            "text": "No deployments available for selected model, Try again in 60 seconds. Passed model=gpt-4o. pre-call-checks=False, cooldown_list=[('8f1a', {'status_code': '429'})]",
            "slug": "no-deployments-available-cooldown"
        }
    });
    let file = Path::new(env!("CARGO_TARGET_TMPDIR")).join("search-browser-expect.json");
    std::fs::write(&file, expectations.to_string()).unwrap();
    let out = Command::new("node")
        .arg(scripts.join("search_ui.js"))
        .arg(site.join("public"))
        .arg(&file)
        .output()
        .expect("node runs");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        stderr(&out)
    );
}

/// `errbook build` counts the browser index's postings from the pages instead of building a
/// tantivy index: on the generated parity site (every kind of page the generator makes, and
/// the LiteLLM pages) its files are byte for byte those exported from tantivy.
#[test]
fn the_build_exports_the_same_browser_index_as_tantivy() {
    use errbook::search::{SearchIndex, export};
    let root = parity_site();
    let config = errbook::config::SiteConfig::load(root).unwrap().unwrap();
    let loaded = errbook::content::load_pages(root).unwrap().without_drafts();
    let (site, _) = errbook::site::Site::new(root.to_path_buf(), config, loaded.pages);
    let from_tantivy = export::export(&SearchIndex::build(&site).unwrap()).unwrap();
    let counted = export::export_site(&site);
    assert_eq!(from_tantivy.version, counted.version);
    assert_eq!(from_tantivy.files.len(), counted.files.len());
    for ((a_path, a), (b_path, b)) in from_tantivy.files.iter().zip(&counted.files) {
        assert_eq!(a_path, b_path);
        assert!(a == b, "{a_path} differs");
    }
}

#[test]
fn the_browser_tokenizes_like_the_analyzer() {
    use errbook::search::{analyzer, export, normalize, query};
    let mut texts: Vec<String> = [
        "litellm.RateLimitError: RateLimitError: OpenAIException - Rate limit exceeded",
        "HTTPError 429 Too Many Requests; XMLHttpRequest getHTTPResponseCode",
        "Café déjà vu: résumé naïve coöperate ﬁle Ⅻ ① ＡＢＣ",
        "İstanbul ΣΊΣΥΦΟΣ straße ǅemal",
        "__init__ ...done. a - b -- c/d//e::f",
        "path/to/a_very_long_identifier_that_goes_on_and_on_and_on_forever.py",
        "emoji 🚀 rocket🚀launch 東京 タワー 한국어",
        "",
        // Normalization: escapes (doubly escaped too), ANSI codes and their remnants, log
        // prefixes, Unicode spaces, indentation, wraps inside words and at word edges.
        r#"{"msg": "Traceback (most recent call last):\n  File \"x.py\", line 1\nValueError: bad \\\"q\\\" \u0027s\u001b[31m"}"#,
        "\x1b[92m14:31:15 - LiteLLM Proxy:ERROR: common_request_processing.py:1049 - boom\x1b[0m\r\n[31mred[0m \\x1b[1mx\\033[0m",
        "litellm-1  | 2025-02-28T11:45:53.031203Z [error    ] a\n  litellm-1 |     raise e\nINFO:openai._base_client:Retrying\n[INFO] y\nERROR:app.mod:z\n2024-01-02 10:11:12,345 - WARNING - w",
        "a\u{a0}\u{2003}b\u{85}c\u{feff}d\u{3000}e\t\tf\u{b}g  \n\n\n   h",
        "No deployments available for selected model, Try again in 60 sec\nonds. Passed model=gpt-4o 🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀\nnext",
        r"C:\new\table\u00e9 \\\\n \/ \t\r\n end",
    ]
    .map(String::from)
    .to_vec();
    texts.extend(quality_set().into_iter().map(|c| c.text));
    for entry in std::fs::read_dir(repo().join("content/litellm")).unwrap() {
        texts.push(std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    let ranking = serde_json::json!([
        {"terms": [["error", 9000], ["quota", 12], ["none", 0]], "threshold": 1000},
        {"terms": [["error", 9000], ["rate", 3000], ["limit", 3000], ["x", 0]], "threshold": 1000},
        {"terms": [["x", 0]], "threshold": 1000},
    ]);
    let input = serde_json::json!({"texts": texts, "ranking": ranking});
    let mut child = Command::new("node")
        .arg(repo().join("tests/browser/analyze.js"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "node: {}", stderr(&out));
    let js: Value = serde_json::from_slice(&out.stdout).unwrap();
    for (i, text) in texts.iter().enumerate() {
        let preview: String = text.chars().take(60).collect();
        assert_eq!(
            js["tokens"][i],
            serde_json::json!(analyzer::analyze(text)),
            "tokens of {preview:?}"
        );
        assert_eq!(
            js["terms"][i],
            serde_json::json!(query::terms(text)),
            "query terms of {preview:?}"
        );
        assert_eq!(
            js["shards"][i],
            export::fnv32(text),
            "shard hash of {preview:?}"
        );
        let n = normalize::normalize(text);
        assert_eq!(
            js["normalized"][i],
            serde_json::json!({"lines": n.lines, "spaced": n.spaced, "joined": n.joined}),
            "normalized forms of {preview:?}"
        );
    }
    for (i, case) in ranking.as_array().unwrap().iter().enumerate() {
        let terms: Vec<(String, u64)> = case["terms"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p[0].as_str().unwrap().to_string(), p[1].as_u64().unwrap()))
            .collect();
        let rust = query::ranking_terms(&terms, case["threshold"].as_u64().unwrap());
        assert_eq!(
            js["ranking"][i],
            serde_json::json!(rust),
            "ranking terms, case {i}"
        );
    }
}

/// The manifest that the built site's search entry point (`search/entry.js`) names.
fn manifest_of(site: &Path) -> String {
    let entry = std::fs::read_to_string(site.join("public/search/entry.js")).unwrap();
    let json = entry
        .strip_prefix("errbookSearchLoad(\"entry\",")
        .and_then(|s| s.strip_suffix(");\n"))
        .expect("the entry is one errbookSearchLoad call");
    let entry: serde_json::Value = serde_json::from_str(json).unwrap();
    format!("search/{}", entry["manifest"].as_str().unwrap())
}

#[test]
fn a_rebuild_keeps_the_index_version_until_the_content_changes() {
    let site = bundled_site();
    assert!(errbook(site.path(), &["build"]).status.success());
    let first = manifest_of(site.path());
    // Unchanged content: the cached index is reused and exports the same files.
    assert!(errbook(site.path(), &["build"]).status.success());
    assert_eq!(manifest_of(site.path()), first);
    let page = site
        .path()
        .join("content/litellm/no-deployments-available-cooldown.md");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(
        &page,
        text.replace("## FAQ", "## FAQ\n\nA zebracorn note.\n"),
    )
    .unwrap();
    assert!(errbook(site.path(), &["build"]).status.success());
    let second = manifest_of(site.path());
    assert_ne!(second, first, "new content, new version directory");
    // Pages name the entry point, not the version: the home page did not change.
    let home = std::fs::read_to_string(site.path().join("public/index.html")).unwrap();
    assert!(home.contains(r#"data-index="search/entry.js""#));
    // The old version is gone with the old output; the new one is complete.
    assert!(!site.path().join("public").join(&first).exists());
    assert!(site.path().join("public").join(&second).exists());
    let results = cli_search(site.path(), "zebracorn", 5);
    assert_eq!(results[0]["slug"], "no-deployments-available-cooldown");
}

/// `errbook search … | head -1`: a reader that stops reading ends errbook quietly, with no
/// "Broken pipe" panic on stderr.
#[test]
fn search_into_a_closed_pipe_ends_quietly() {
    let site = bundled_site();
    for args in [
        &["search", "--limit", "50", "rate limit fallback"][..],
        &["search", "--json", "--limit", "50", "rate limit fallback"][..],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_errbook"))
            .arg("--root")
            .arg(site.path())
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The reader goes away before errbook has loaded its index, so its first write fails.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = stderr(&out);
        assert!(
            !stderr.contains("panicked") && !stderr.contains("Broken pipe"),
            "{args:?}: {stderr}"
        );
        // Ended by SIGPIPE, as `cat` would be, or exited normally if it never wrote.
        assert!(
            out.status.code().is_none_or(|code| code <= 1),
            "{args:?}: {:?}",
            out.status
        );
    }
}
