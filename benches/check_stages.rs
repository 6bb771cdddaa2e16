//! Where `errbook check` spends its time: each stage of a check of one site, timed on its
//! own, best of N runs. Usage: `cargo bench --bench check_stages -- <site root> [runs]`.
//!
//! The stages are the library calls `errbook check` makes, in order; `signature-collision`
//! and `boilerplate` are timed again on their own because they are the site-wide parts of
//! the check that do not run page by page.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use errbook::check::{self, Context, format, quality, signatures};
use errbook::config::SiteConfig;
use errbook::content::load_pages;
use errbook::render::Templates;
use errbook::site::Site;

// The allocator of the errbook binary, so the figures are the command's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Records the time since `clock` under `name` and restarts the clock.
fn lap(name: &'static str, clock: &mut Instant, times: &mut Vec<(&'static str, Duration)>) {
    times.push((name, clock.elapsed()));
    *clock = Instant::now();
}

fn main() {
    // `cargo bench` passes `--bench` to the binary; everything else is ours.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let Some(root) = args.first().map(PathBuf::from) else {
        eprintln!("usage: cargo bench --bench check_stages -- <site root> [runs]");
        std::process::exit(2);
    };
    let runs: usize = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(5);
    let mut best: Vec<(&'static str, Duration)> = Vec::new();
    let mut pages = 0;
    for _ in 0..runs {
        let mut times = Vec::new();
        let mut clock = Instant::now();
        let config = match SiteConfig::load(&root) {
            Ok(Ok(config)) => config,
            _ => panic!("no usable errbook.toml in {}", root.display()),
        };
        let loaded = load_pages(&root).expect("content directory");
        lap("read and parse pages", &mut clock, &mut times);
        let (site, diagnostics) = Site::new(root.clone(), config, loaded.pages);
        lap("assemble the site", &mut clock, &mut times);
        let diagnostics = check::check(&site, check::today(), diagnostics);
        lap("all rules (per page and site-wide)", &mut clock, &mut times);
        let _ = Templates::load(&root);
        lap("load templates", &mut clock, &mut times);
        let mut json = Vec::new();
        format::write_json(&mut json, &diagnostics, site.pages.len()).expect("in memory");
        lap("JSON report (in memory)", &mut clock, &mut times);
        let cx = Context {
            site: &site,
            today: check::today(),
            settings: &site.config.check,
        };
        let mut out = Vec::new();
        signatures::check_site(&cx, &mut out);
        lap(
            "  of the rules: signature-collision",
            &mut clock,
            &mut times,
        );
        signatures::check_found(&cx, &mut out);
        lap(
            "  of the rules: signature-not-found",
            &mut clock,
            &mut times,
        );
        let blocks: Vec<Vec<quality::Block>> = site
            .pages
            .iter()
            .map(|page| quality::check_page(page, &cx, &mut Vec::new()))
            .collect();
        clock = Instant::now();
        quality::check_site(&cx, &blocks, &mut out);
        lap("  of the rules: boilerplate", &mut clock, &mut times);
        pages = site.pages.len();
        if best.is_empty() {
            best = times;
        } else {
            for (b, (_, t)) in best.iter_mut().zip(times) {
                b.1 = b.1.min(t);
            }
        }
    }
    println!("{pages} pages, best of {runs} runs per stage:");
    for (name, time) in best {
        println!("  {name:<40} {:>8.1} ms", time.as_secs_f64() * 1000.0);
    }
}
