//! The progress line of a long online check on a terminal: sources checked out of all, and
//! per host. Written to stderr a few times a second, erased at the end.

use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

pub struct Progress {
    enabled: bool,
    hosts: Vec<(String, usize, AtomicUsize)>,
}

impl Progress {
    /// `hosts` are the host names and how many requests each has; nothing is shown unless
    /// `enabled`.
    pub fn new(enabled: bool, hosts: Vec<(String, usize)>) -> Progress {
        Progress {
            enabled,
            hosts: hosts
                .into_iter()
                .map(|(h, total)| (h, total, AtomicUsize::new(0)))
                .collect(),
        }
    }

    /// One request to `host` is done.
    pub fn done(&self, host: &str) {
        if let Some((_, _, done)) = self.hosts.iter().find(|(h, _, _)| h == host) {
            done.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// `checking sources 40/120 · api.github.com 12/60 · docs.example.org 28/60`: hosts with
    /// work left first, at most four of them.
    pub fn line(&self) -> String {
        let done: usize = self
            .hosts
            .iter()
            .map(|(_, _, d)| d.load(Ordering::Relaxed))
            .sum();
        let total: usize = self.hosts.iter().map(|(_, t, _)| t).sum();
        let mut line = format!("checking sources {done}/{total}");
        let mut busy: Vec<(&str, usize, usize)> = self
            .hosts
            .iter()
            .map(|(h, t, d)| (h.as_str(), d.load(Ordering::Relaxed), *t))
            .filter(|(_, d, t)| d < t)
            .collect();
        busy.sort_by_key(|(_, d, t)| std::cmp::Reverse(t - d));
        for (host, done, total) in busy.iter().take(4) {
            let name = host.split("://").nth(1).unwrap_or(host);
            line.push_str(&format!(" · {name} {done}/{total}"));
        }
        if busy.len() > 4 {
            line.push_str(&format!(" · {} more hosts", busy.len() - 4));
        }
        line
    }

    /// Runs `work` while the line is redrawn beside it.
    pub fn show_while<R>(&self, work: impl FnOnce() -> R) -> R {
        if !self.enabled {
            return work();
        }
        let stop = AtomicBool::new(false);
        std::thread::scope(|scope| {
            scope.spawn(|| {
                while !stop.load(Ordering::Relaxed) {
                    let mut err = std::io::stderr().lock();
                    let _ = write!(err, "\r\x1b[2K{}", self.line());
                    let _ = err.flush();
                    drop(err);
                    std::thread::sleep(Duration::from_millis(150));
                }
                let _ = write!(std::io::stderr().lock(), "\r\x1b[2K");
            });
            let result = work();
            stop.store(true, Ordering::Relaxed);
            result
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_counts_per_host() {
        let progress = Progress::new(
            false,
            vec![
                ("https://api.github.com".into(), 3),
                ("https://docs.example.org".into(), 2),
            ],
        );
        progress.done("https://api.github.com");
        progress.done("https://docs.example.org");
        progress.done("https://docs.example.org");
        assert_eq!(progress.line(), "checking sources 3/5 · api.github.com 1/3");
    }
}
