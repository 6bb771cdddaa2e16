//! `errbook check --online` on a generated site of N sources (default 2,000) against local
//! servers: a plain web server (docs pages, raw source files) and a TLS server answering like
//! the GitHub API (issues, pull requests), with the default settings but their URLs and CA.
//!
//! Usage: `cargo bench --bench online_check -- [sources] [runs]`. Each run, interleaved:
//! the offline `check` of the same site (the floor: reading and checking the pages), the
//! online check with an empty cache, the same again with the cache it left (every entry
//! fresh: no request), and the online check with an empty cache and `concurrency = 1`
//! (one request at a time: the peer that shows what the pool buys). Prints every time and
//! the medians.

#[path = "../tests/support/pages.rs"]
mod pages;
#[path = "../tests/support/web.rs"]
mod web;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use pages::{dated, literal, page, site, src};
use web::{Issue, Reply, Server, TestCa};

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let sources: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(2000);
    let runs: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(5);
    let pages_count = sources.div_ceil(4);

    let ca = TestCa::new("errbook bench CA");
    let web = Server::start();
    let api = Server::start_tls(ca.server_config());
    // Pages of realistic size: a docs page of about 20 KB, an issue of about 3 KB.
    let filler = "Routing keeps a deployment in cooldown after repeated failures. ".repeat(300);
    let mut pages = Vec::new();
    for n in 0..pages_count {
        let slug = format!("bench-{n:05}");
        let message = format!("BenchError: case {n} ran out of quota");
        web.route(
            &format!("/docs/{n}"),
            vec![Reply::html(
                &format!("Quota {n} | Bench docs"),
                &format!("Quota {n}"),
                &format!("{filler}<pre><code>{message}</code></pre>"),
            )],
        );
        web.route(
            &format!("/raw/bench/repo/main/src/quota_{n}.py"),
            vec![Reply::text(format!(
                "def check():\n    raise BenchError(\"case {n} ran out of quota\")\n"
            ))],
        );
        for (number, pull) in [(2 * n as u64 + 1, false), (2 * n as u64 + 2, true)] {
            let issue = Issue {
                owner: "bench",
                repo: "repo",
                number,
                title: "Quota runs out",
                created_at: "2025-03-10T12:00:00Z",
                state: if pull { "merged" } else { "open" },
                body: &"Steps to reproduce: call the proxy until the quota runs out. ".repeat(40),
                comments: 0,
                pull,
            };
            let kind = if pull { "pulls" } else { "issues" };
            api.route(
                &format!("/repos/bench/repo/{kind}/{number}"),
                vec![
                    Reply::json(issue.json(&api.base))
                        .header("x-ratelimit-remaining", "4999")
                        .with_etag(&format!("\"{kind}-{number}\"")),
                ],
            );
        }
        let text = page(
            &slug,
            &[literal(&message)],
            &[
                src(
                    "docs",
                    web.url(&format!("/docs/{n}")),
                    &format!("Quota {n}"),
                    "docs",
                ),
                src(
                    "src",
                    format!("https://github.com/bench/repo/blob/main/src/quota_{n}.py"),
                    &format!("src/quota_{n}.py"),
                    "source",
                ),
                dated(
                    src(
                        "gh",
                        format!("https://github.com/bench/repo/issues/{}", 2 * n + 1),
                        "Quota runs out",
                        "issue",
                    ),
                    "2025-03-10",
                ),
                dated(
                    src(
                        "pr",
                        format!("https://github.com/bench/repo/pull/{}", 2 * n + 2),
                        "Quota runs out",
                        "pull",
                    ),
                    "2025-03-10",
                ),
            ],
        );
        pages.push((slug, text));
    }
    let page_refs: Vec<(&str, String)> =
        pages.iter().map(|(s, t)| (s.as_str(), t.clone())).collect();
    let settings = format!(
        "github_api_url = \"{}\"\ngithub_raw_url = \"{}\"\nca_file = \"ca.pem\"\n",
        api.base,
        web.url("/raw")
    );
    let default_site = site(&settings, &page_refs, Some(&ca.pem()));
    let serial_site = site(
        &format!("{settings}concurrency = 1\n"),
        &page_refs,
        Some(&ca.pem()),
    );
    println!(
        "{} pages, {} sources ({} docs pages, {} source files, {} issues and pull requests)",
        pages_count,
        pages_count * 4,
        pages_count,
        pages_count,
        pages_count * 2
    );

    let mut times: Vec<[Duration; 4]> = Vec::new();
    for run in 0..runs {
        let offline = timed(default_site.path(), &["check", "--format", "json"], false);
        // Each online run: its time and the requests both servers received.
        let online = |root: &Path| {
            web.clear_log();
            api.clear_log();
            let time = timed(root, &["check", "--online", "--format", "json"], true);
            (time, web.requests().len() + api.requests().len())
        };
        let _ = std::fs::remove_dir_all(default_site.path().join(".errbook/cache/online"));
        let (cold, cold_requests) = online(default_site.path());
        let (warm, warm_requests) = online(default_site.path());
        let _ = std::fs::remove_dir_all(serial_site.path().join(".errbook/cache/online"));
        let (serial, _) = online(serial_site.path());
        println!(
            "run {}: offline check {:.3} s · online, empty cache {:.3} s ({cold_requests} requests) · online, cache {:.3} s ({warm_requests} requests) · online, empty cache, concurrency 1: {:.3} s",
            run + 1,
            offline.as_secs_f64(),
            cold.as_secs_f64(),
            warm.as_secs_f64(),
            serial.as_secs_f64()
        );
        assert_eq!(
            warm_requests, 0,
            "a second run with a fresh cache sends nothing"
        );
        times.push([offline, cold, warm, serial]);
    }
    let median = |i: usize| {
        let mut column: Vec<Duration> = times.iter().map(|t| t[i]).collect();
        column.sort();
        column[column.len() / 2].as_secs_f64()
    };
    println!(
        "median of {runs}: offline check {:.3} s; online, empty cache {:.3} s (target ≤ 5 s); online, cache {:.3} s (target ≤ 0.5 s); online, concurrency 1: {:.3} s",
        median(0),
        median(1),
        median(2),
        median(3)
    );
}

/// Runs errbook and returns its wall time; the online runs must report every source found.
fn timed(root: &Path, args: &[&str], online: bool) -> Duration {
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_errbook"))
        .arg("--root")
        .arg(root)
        .args(args)
        .env_remove("GITHUB_TOKEN")
        .env_remove("HTTP_PROXY")
        .env_remove("HTTPS_PROXY")
        .env_remove("http_proxy")
        .env_remove("https_proxy")
        .output()
        .expect("run errbook");
    let elapsed = started.elapsed();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    if online {
        let summary = &report["online"]["summary"];
        assert_eq!(
            summary["checked"], summary["sources"],
            "every source checked: {summary}"
        );
        let unexpected: Vec<&serde_json::Value> = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["rule"] != "source-state")
            .collect();
        assert!(unexpected.is_empty(), "{unexpected:#?}");
    }
    elapsed
}
