//! Where the render stage of `errbook build` spends its time, each part timed on its own,
//! best of N runs: the sections' HTML (markdown parsed again, code highlighted), highlighting
//! alone (cold: a fresh process's cache is empty, so the first run is the one that counts for a
//! build), every file rendered into memory (templates included, nothing written), and rendered
//! and written to a fresh directory on disk.
//! Usage: `cargo bench --bench render_stages -- <site root> [runs]`.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use errbook::config::SiteConfig;
use errbook::content::{highlight, load_pages};
use errbook::output::{Contents, Sink, Staging};
use errbook::render::{Templates, render};
use errbook::site::Site;
use rayon::prelude::*;

// The allocator of the errbook binary, so the figures are the command's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Renders into nothing, counting bytes: the render without the disk.
#[derive(Default)]
struct Discard(AtomicUsize);

impl Sink for Discard {
    fn put(&self, _path: &str, contents: Contents) -> errbook::error::Result<()> {
        if let Contents::Bytes(bytes) = contents {
            self.0.fetch_add(bytes.len(), Ordering::Relaxed);
        }
        Ok(())
    }
}

/// The CPU time of the calling thread (Linux: `/proc/thread-self/schedstat`, nanoseconds).
fn thread_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    Some(Duration::from_nanos(stat.split(' ').next()?.parse().ok()?))
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let Some(root) = args.first().map(PathBuf::from) else {
        eprintln!("usage: cargo bench --bench render_stages -- <site root> [runs]");
        std::process::exit(2);
    };
    let runs: usize = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(3);
    let config = match SiteConfig::load(&root) {
        Ok(Ok(config)) => config,
        _ => panic!("no usable errbook.toml in {}", root.display()),
    };
    let loaded = load_pages(&root).expect("content directory");
    let (site, _) = Site::new(root.clone(), config, loaded.pages);
    let templates = Templates::load(&root).expect("templates");
    let blocks: Vec<(String, String)> = site
        .pages
        .iter()
        .flat_map(|p| p.body.code_blocks.iter())
        .map(|b| (b.code.clone(), b.lang.clone()))
        .collect();
    println!(
        "{} pages, {} code blocks, best of {runs} runs",
        site.pages.len(),
        blocks.len()
    );

    let mut best: Vec<(&str, Duration)> = Vec::new();
    let mut note = |name: &'static str, took: Duration| match best.iter_mut().find(|b| b.0 == name)
    {
        Some(b) => b.1 = b.1.min(took),
        None => best.push((name, took)),
    };
    let out = std::env::temp_dir().join(format!("errbook-render-stages-{}", std::process::id()));
    for run in 0..runs {
        if run == 0 {
            // On one thread, by that thread's CPU time: comparable while the machine is busy.
            let cpu = thread_cpu();
            let bytes: usize = blocks
                .iter()
                .map(|(code, lang)| highlight::code_block(code, lang).len())
                .sum();
            if let (Some(before), Some(after)) = (cpu, thread_cpu()) {
                println!(
                    "{:>9.1} ms  CPU time to highlight every code block on one thread (cold)",
                    (after - before).as_secs_f64() * 1000.0
                );
            }
            assert!(bytes > 0 || blocks.is_empty());
            highlight::clear_cache();
        }
        let clock = Instant::now();
        let bytes: usize = blocks
            .par_iter()
            .map(|(code, lang)| highlight::code_block(code, lang).len())
            .sum();
        // Only the first run highlights: later ones hit the cache, as `serve` does.
        note(
            if run == 0 {
                "highlight every code block (cold)"
            } else {
                "highlight every code block (cached)"
            },
            clock.elapsed(),
        );
        assert!(bytes > 0 || blocks.is_empty());

        let clock = Instant::now();
        let html: usize = site
            .pages
            .par_iter()
            .map(|p| {
                p.body
                    .sections_html(&p.file, &p.front.sources)
                    .iter()
                    .map(String::len)
                    .sum::<usize>()
            })
            .sum();
        note("sections' HTML of every page", clock.elapsed());
        assert!(html > 0);

        let clock = Instant::now();
        let sink = Discard::default();
        render(&site, &templates, &sink).expect("renders");
        note("render every file into memory", clock.elapsed());

        let _ = std::fs::remove_dir_all(&out);
        let clock = Instant::now();
        let staging = Staging::begin(&out).expect("staging");
        render(&site, &templates, &staging).expect("renders");
        note("render and write to a fresh directory", clock.elapsed());
        let clock = Instant::now();
        staging.commit().expect("commit");
        note("move it in place", clock.elapsed());
    }
    let _ = std::fs::remove_dir_all(&out);
    for (name, took) in best {
        println!("{:>9.1} ms  {name}", took.as_secs_f64() * 1000.0);
    }
}
