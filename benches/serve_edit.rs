//! Benchmark: single-page edit → reload pushed → new content served, on a running
//! `errbook serve`. Starts the server on a site, edits one page's summary again and again,
//! and prints the median and 95th percentile of both latencies.
//!
//! Usage: cargo bench --bench serve_edit -- [SITE_DIR] [EDITS] [summary|body]
//! `summary` (the default) edits what listings show, so the page's tool and category
//! listings and related pages are re-rendered too; `body` edits only the page's own text.
//! (SITE_DIR defaults to /tmp/kb10k: `cargo run --release --example gen_site -- --pages 10000
//! --out /tmp/kb10k`). The site's files are edited and restored at the end.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

/// Time between edits (milliseconds; `PAUSE_MS` overrides it). The default lets the full
/// check that follows each edit finish, as between an author's saves; a shorter pause measures
/// edits that land while it runs.
const PAUSE_MS: u64 = 3000;

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let site = PathBuf::from(args.first().map_or("/tmp/kb10k", String::as_str));
    let edits: usize = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(30);
    let body_only = args.get(2).is_some_and(|m| m == "body");
    let pause = Duration::from_millis(
        std::env::var("PAUSE_MS")
            .ok()
            .and_then(|p| p.parse().ok())
            .unwrap_or(PAUSE_MS),
    );
    let binary = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/errbook");
    assert!(
        binary.is_file(),
        "build it first: cargo build --release ({})",
        binary.display()
    );
    let page = first_page(&site.join("content"));
    let original = fs::read_to_string(&page).unwrap();
    let relative = page.strip_prefix(site.join("content")).unwrap();
    let url_path = format!(
        "/{}/",
        relative
            .with_extension("")
            .to_string_lossy()
            .replace('\\', "/")
    );

    let started = Instant::now();
    let mut child = Command::new(&binary)
        .arg("--root")
        .arg(&site)
        .args(["serve", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(match std::env::var_os("SERVE_LOG") {
            Some(path) => Stdio::from(fs::File::create(path).unwrap()),
            None => Stdio::null(),
        })
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let server = Server(child);
    let address = line
        .trim()
        .trim_start_matches("serving at http://")
        .trim_end_matches('/')
        .to_string();
    let events = subscribe(&address);
    println!(
        "server up on {address} in {} ms; editing the {} of {} ({edits} edits, {} ms apart)",
        started.elapsed().as_millis(),
        if body_only { "body" } else { "summary" },
        page.display(),
        pause.as_millis()
    );
    // The first build is followed by nothing; give the worker a moment to be idle.
    std::thread::sleep(Duration::from_millis(PAUSE_MS));

    let mut pushed = Vec::new();
    let mut served = Vec::new();
    for n in 0..edits {
        let marker = format!("bench edit number {n}");
        let edited = if body_only {
            original.replacen("\n## ", &format!("\n{marker}.\n\n## "), 1)
        } else {
            edit_summary(&original, &marker)
        };
        assert_ne!(edited, original, "the page has a `summary:` line");
        let t0 = Instant::now();
        fs::write(&page, &edited).unwrap();
        wait_reload(&events);
        let t_push = t0.elapsed();
        let body = get(&address, &url_path);
        let t_served = t0.elapsed();
        assert!(
            body.contains(&marker),
            "edit {n}: the new content is served after the reload"
        );
        pushed.push(t_push);
        served.push(t_served);
        std::thread::sleep(pause);
        // Drain a second reload, if the site-wide rules changed the overlay.
        while events.try_recv().is_ok() {}
    }
    fs::write(&page, &original).unwrap();
    drop(server);

    let samples: Vec<String> = pushed.iter().map(|d| format!("{:.0}", ms(*d))).collect();
    println!("reload pushed, in edit order (ms): {}", samples.join(" "));
    report("edit → reload pushed", &mut pushed);
    report("edit → new content served", &mut served);
}

/// The page with `marker` at the start of its summary, inside the quotes if it is quoted.
fn edit_summary(page: &str, marker: &str) -> String {
    for prefix in ["\nsummary: '", "\nsummary: \"", "\nsummary: "] {
        if page.contains(prefix) {
            return page.replacen(prefix, &format!("{prefix}{marker} "), 1);
        }
    }
    page.to_string()
}

fn report(what: &str, times: &mut [Duration]) {
    times.sort();
    let at = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "{what:28} median {:6.1} ms   p95 {:6.1} ms   max {:6.1} ms   (n = {})",
        ms(at(0.5)),
        ms(at(0.95)),
        ms(times[times.len() - 1]),
        times.len()
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn first_page(content: &Path) -> PathBuf {
    let mut tools: Vec<PathBuf> = fs::read_dir(content)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    tools.sort();
    let mut pages: Vec<PathBuf> = fs::read_dir(&tools[0])
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    pages.sort();
    pages.swap_remove(0)
}

fn subscribe(address: &str) -> Receiver<String> {
    let mut stream = TcpStream::connect(address).unwrap();
    write!(
        stream,
        "GET /__errbook/events HTTP/1.1\r\nHost: {address}\r\nAccept: text/event-stream\r\n\r\n"
    )
    .unwrap();
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { return };
            if let Some(name) = line.strip_prefix("event: ")
                && tx.send(name.to_string()).is_err()
            {
                return;
            }
        }
    });
    assert_eq!(rx.recv_timeout(Duration::from_secs(60)).unwrap(), "ready");
    rx
}

fn wait_reload(events: &Receiver<String>) {
    loop {
        let event = events
            .recv_timeout(Duration::from_secs(60))
            .expect("a reload event within a minute");
        if event == "reload" {
            return;
        }
    }
}

/// One GET over a fresh connection, the body as text.
fn get(address: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(address).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{path}: {answer:.200}");
    answer
}
