//! A bounded pool of worker threads for requests, with limits per host: how many requests
//! are under way at once, and how often one may start.

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

/// What one host allows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HostLimit {
    pub concurrency: usize,
    /// The least time between two starts; `None` for no limit.
    pub interval: Option<Duration>,
}

struct Host {
    queue: VecDeque<usize>,
    in_flight: usize,
    limit: HostLimit,
    next_start: Instant,
}

struct State {
    hosts: Vec<Host>,
    unstarted: usize,
    /// Where the next search for a job starts: hosts take turns.
    cursor: usize,
}

enum Pick {
    Job(usize, usize),
    Until(Instant),
    Wait,
}

impl State {
    fn pick(&mut self, now: Instant) -> Pick {
        let count = self.hosts.len();
        let mut earliest: Option<Instant> = None;
        for step in 0..count {
            let index = (self.cursor + step) % count;
            let host = &mut self.hosts[index];
            if host.queue.is_empty() || host.in_flight >= host.limit.concurrency {
                continue;
            }
            if host.next_start > now {
                earliest = Some(earliest.map_or(host.next_start, |e| e.min(host.next_start)));
                continue;
            }
            let job = host.queue.pop_front().expect("not empty");
            host.in_flight += 1;
            if let Some(interval) = host.limit.interval {
                host.next_start = now + interval;
            }
            self.unstarted -= 1;
            self.cursor = index + 1;
            return Pick::Job(job, index);
        }
        earliest.map_or(Pick::Wait, Pick::Until)
    }
}

/// Runs `work` on every job on at most `workers` threads, keeping each host's limits, and
/// returns the results in the order of `jobs`. `host` names a job's host and its limits.
pub fn run<J: Sync, R: Send>(
    jobs: &[J],
    workers: usize,
    host: impl Fn(&J) -> (String, HostLimit),
    work: impl Fn(&J) -> R + Sync,
) -> Vec<R> {
    let mut hosts: Vec<Host> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let start = Instant::now();
    for (index, job) in jobs.iter().enumerate() {
        let (name, limit) = host(job);
        let at = match names.iter().position(|n| *n == name) {
            Some(at) => at,
            None => {
                names.push(name);
                hosts.push(Host {
                    queue: VecDeque::new(),
                    in_flight: 0,
                    limit: HostLimit {
                        concurrency: limit.concurrency.max(1),
                        ..limit
                    },
                    next_start: start,
                });
                hosts.len() - 1
            }
        };
        hosts[at].queue.push_back(index);
    }
    let state = Mutex::new(State {
        hosts,
        unstarted: jobs.len(),
        cursor: 0,
    });
    let changed = Condvar::new();
    let results: Mutex<Vec<Option<R>>> = Mutex::new((0..jobs.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..workers.clamp(1, jobs.len().max(1)) {
            scope.spawn(|| {
                loop {
                    let (job, host) = {
                        let mut st = state.lock().unwrap_or_else(|e| e.into_inner());
                        loop {
                            if st.unstarted == 0 {
                                return;
                            }
                            let now = Instant::now();
                            st = match st.pick(now) {
                                Pick::Job(job, host) => break (job, host),
                                Pick::Until(at) => {
                                    changed
                                        .wait_timeout(st, at.saturating_duration_since(now))
                                        .unwrap_or_else(|e| e.into_inner())
                                        .0
                                }
                                Pick::Wait => changed.wait(st).unwrap_or_else(|e| e.into_inner()),
                            };
                        }
                    };
                    let result = work(&jobs[job]);
                    results.lock().unwrap_or_else(|e| e.into_inner())[job] = Some(result);
                    state.lock().unwrap_or_else(|e| e.into_inner()).hosts[host].in_flight -= 1;
                    changed.notify_all();
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .map(|r| r.expect("every job ran"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn keeps_each_hosts_concurrency_and_returns_results_in_order() {
        let jobs: Vec<(usize, &str)> = (0..40)
            .map(|i| (i, if i % 2 == 0 { "a" } else { "b" }))
            .collect();
        let (a_now, a_max) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let limit = |host: &str| HostLimit {
            concurrency: if host == "a" { 1 } else { 3 },
            interval: None,
        };
        let results = run(
            &jobs,
            8,
            |(_, host)| (host.to_string(), limit(host)),
            |(i, host)| {
                if *host == "a" {
                    let now = a_now.fetch_add(1, Ordering::SeqCst) + 1;
                    a_max.fetch_max(now, Ordering::SeqCst);
                }
                std::thread::sleep(Duration::from_millis(2));
                if *host == "a" {
                    a_now.fetch_sub(1, Ordering::SeqCst);
                }
                i * 10
            },
        );
        assert_eq!(results, (0..40).map(|i| i * 10).collect::<Vec<_>>());
        assert_eq!(a_max.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn spaces_the_starts_of_a_rate_limited_host() {
        let jobs = [0, 1, 2, 3];
        let started = Mutex::new(Vec::new());
        let t0 = Instant::now();
        run(
            &jobs,
            4,
            |_| {
                (
                    "h".into(),
                    HostLimit {
                        concurrency: 4,
                        interval: Some(Duration::from_millis(50)),
                    },
                )
            },
            |_| started.lock().unwrap().push(t0.elapsed()),
        );
        let mut times = started.into_inner().unwrap();
        times.sort();
        for pair in times.windows(2) {
            assert!(pair[1] - pair[0] >= Duration::from_millis(45), "{times:?}");
        }
    }

    #[test]
    fn no_jobs_is_no_work() {
        let none: [u8; 0] = [];
        let results: Vec<u8> = run(
            &none,
            4,
            |_| {
                (
                    "h".into(),
                    HostLimit {
                        concurrency: 1,
                        interval: None,
                    },
                )
            },
            |_| 1,
        );
        assert!(results.is_empty());
    }
}
