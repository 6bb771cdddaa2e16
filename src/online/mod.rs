//! `errbook check --online`: every source of every page is fetched (GitHub issues and pull
//! requests through the REST API) and compared with what the page claims of it.
//!
//! The stages: the cited sources become unique requests; a bounded pool runs them through
//! the cache; pages whose signatures were not found in what was read get their issues'
//! comments fetched too; then each source's verdict and each signature's evidence become
//! diagnostics. `capture` sources are read from the site's `static/` instead (they are
//! evidence for signatures, not web pages). Nothing here runs unless `--online` or
//! `--offline-cache-only` is given.

pub mod cache;
pub mod capture;
pub mod compare;
pub mod evidence;
pub mod fetch;
pub mod github;
pub mod html;
pub mod http;
pub mod pool;
pub mod progress;
pub mod settings;
pub mod target;
pub mod verdict;

use std::collections::HashMap;
use std::time::Duration;

use serde::Serialize;
use url::Url;

use crate::check::Context;
use crate::content::{Page, SourceKind};
use crate::diagnostic::Diagnostic;
use crate::error::Result;
use crate::site::Site;
use cache::{Cache, Document, Outcome};
use capture::CaptureText;
use evidence::{SourceText, Status};
pub use fetch::Mode;
use fetch::{Checked, Fetcher, Kind, Unchecked};
pub use github::State;
use http::Client;
use pool::HostLimit;
use progress::Progress;
pub use settings::OnlineSettings;
use target::{Target, classify, origin, request_url};
use verdict::Cited;

/// How `verify` runs.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub mode: Mode,
    /// Draw a progress line on stderr (a terminal, human output).
    pub progress: bool,
}

/// What the online check found: its diagnostics (levels applied, sorted) and the report that
/// `--format json` carries under `online`.
pub struct Verified {
    pub diagnostics: Vec<Diagnostic>,
    pub report: Report,
}

#[derive(Debug, Serialize)]
pub struct Report {
    /// `online` or `cache-only`.
    pub mode: &'static str,
    pub summary: ReportSummary,
    pub sources: Vec<SourceReport>,
    pub signatures: Vec<SignatureReport>,
}

#[derive(Debug, Serialize)]
pub struct ReportSummary {
    /// Sources with an http(s) URL, over all pages.
    pub sources: usize,
    /// Of them, verified (from the network or the cache).
    pub checked: usize,
    /// Of the checked, answered by the cache without a request.
    pub cached: usize,
    /// Left out by `skip_hosts`.
    pub skipped: usize,
    /// Left unchecked: GitHub's rate limit, or no cache entry in a cache-only run.
    pub unchecked: usize,
    /// HTTP requests sent (every retry and redirect counted).
    pub requests: usize,
}

#[derive(Debug, Serialize)]
pub struct SourceReport {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub id: String,
    pub url: String,
    /// `found`, `gone`, `unreachable`, `refused`, `unchecked` or `skipped`.
    pub result: &'static str,
    pub final_url: Option<String>,
    /// The title the source has: an issue's, or a page's `<title>`.
    pub title: Option<String>,
    /// `open`, `closed`, `merged` or `closed-unmerged`, for issues and pull requests.
    pub state: Option<&'static str>,
    pub cached: bool,
    /// The UTC day of the check that found this.
    pub checked_on: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct SignatureReport {
    pub file: String,
    pub line: usize,
    pub column: usize,
    /// The literal signature, or the example of a regex signature.
    pub signature: String,
    /// `literal` or `example`.
    pub kind: &'static str,
    /// `found`, `not-found` or `unknown` (a source could not be read whole).
    pub status: &'static str,
    /// The ids of the sources it was found in.
    pub found_in: Vec<String>,
}

/// One unique request of the run.
struct Job {
    key: String,
    kind: Kind,
    host: String,
}

/// A cited source and the request that checks it (`None`: skipped by `skip_hosts`).
struct Entry<'a> {
    cited: Cited<'a>,
    job: Option<usize>,
}

/// A page whose signatures are looked for in its sources: its web sources (a range of the
/// entries) and its captures, read from disk.
struct PageSources<'a> {
    page: &'a Page,
    entries: std::ops::Range<usize>,
    captures: Vec<CaptureText<'a>>,
}

/// Checks every source of the site, online or from the cache.
pub fn verify(site: &Site, options: &Options) -> Result<Verified> {
    let settings = &site.config.check.online;
    let client = match options.mode {
        Mode::Online => Some(Client::new(
            settings,
            &site.root,
            std::env::var("GITHUB_TOKEN").ok(),
        )?),
        Mode::CacheOnly => None,
    };
    let cache = Cache::open(&site.root);
    let fetcher = Fetcher {
        client: client.as_ref(),
        cache: &cache,
        mode: options.mode,
        now: http::now_secs(),
        max_age_hours: settings.max_age_hours,
    };
    let (entries, jobs, pages) = plan(site, settings);
    let run = |jobs: &[Job], fetch: &(dyn Fn(&Job) -> Checked + Sync)| {
        run_jobs(jobs, settings, options.progress, fetch)
    };
    let results = run(&jobs, &|job| fetcher.fetch(&job.key, job.kind));

    // Pages with a signature not found in what was read get their issues' comments read too.
    let mut comment_jobs: Vec<Job> = Vec::new();
    let mut comment_index: HashMap<String, usize> = HashMap::new();
    for sources in &pages {
        let claims = evidence::claims(sources.page);
        let texts = source_texts(sources, &entries, &results, &[], &HashMap::new());
        if claims
            .iter()
            .all(|c| matches!(evidence::find(c, &texts), Status::Found(_)))
        {
            continue;
        }
        for entry in &entries[sources.entries.clone()] {
            if let Some(url) = comments_url(entry, &results)
                && !comment_index.contains_key(&url)
            {
                comment_index.insert(url.clone(), comment_jobs.len());
                comment_jobs.push(Job {
                    host: origin(&url),
                    key: url,
                    kind: Kind::Comments,
                });
            }
        }
    }
    let comments = run(&comment_jobs, &|job| read_comments(&fetcher, &job.key));

    let cx = Context {
        site,
        today: crate::check::today(),
        settings: &site.config.check,
    };
    let mut diagnostics = Vec::new();
    let mut unchecked: Vec<(&Entry, Unchecked)> = Vec::new();
    let mut report = Report {
        mode: match options.mode {
            Mode::Online => "online",
            Mode::CacheOnly => "cache-only",
        },
        summary: ReportSummary {
            sources: entries.len(),
            checked: 0,
            cached: 0,
            skipped: 0,
            unchecked: 0,
            requests: 0,
        },
        sources: Vec::new(),
        signatures: Vec::new(),
    };
    for entry in &entries {
        let checked = entry.job.map(|j| &results[j]);
        match checked {
            None => report.summary.skipped += 1,
            Some(Checked::Unchecked(why)) => {
                report.summary.unchecked += 1;
                unchecked.push((entry, *why));
            }
            Some(Checked::Known {
                outcome,
                cached,
                checked_at,
            }) => {
                report.summary.checked += 1;
                report.summary.cached += usize::from(*cached);
                diagnostics.extend(verdict::diagnose(
                    &cx,
                    &entry.cited,
                    outcome,
                    *checked_at,
                    options.mode,
                    &settings.github_raw_url,
                ));
            }
        }
        report.sources.push(source_report(entry, checked));
    }
    for sources in &pages {
        let page = sources.page;
        let texts = source_texts(sources, &entries, &results, &comments, &comment_index);
        for claim in evidence::claims(page) {
            let status = evidence::find(&claim, &texts);
            let (line, column) = page.file.line_col(claim.span.start);
            if status == Status::NotFound {
                let ids: Vec<&str> = texts.iter().map(|t| t.id).collect();
                diagnostics.push(
                    cx.report(
                        "signature-without-evidence",
                        page,
                        claim.span.clone(),
                        format!(
                            "{} `{}` occurs in none of the page's sources ({})",
                            if claim.example {
                                "the example"
                            } else {
                                "the signature"
                            },
                            claim.text,
                            ids.join(", ")
                        ),
                    )
                    .with_help(
                        "quote the message exactly as the program prints it, and cite a source that shows it (an issue with the log, the source file that raises it)",
                    ),
                );
            }
            report.signatures.push(SignatureReport {
                file: page.file.display_path(),
                line,
                column,
                signature: claim.text.clone(),
                kind: if claim.example { "example" } else { "literal" },
                status: status.name(),
                found_in: match status {
                    Status::Found(ids) => ids,
                    _ => Vec::new(),
                },
            });
        }
    }
    if let Some(d) = incomplete(&cx, &unchecked, entries.len()) {
        diagnostics.push(d);
    }
    report.summary.requests = client.as_ref().map_or(0, Client::requests);
    crate::check::apply_levels(&site.config.lints, &mut diagnostics);
    Diagnostic::sort(&mut diagnostics);
    Ok(Verified {
        diagnostics,
        report,
    })
}

/// Every cited source with an http(s) URL, the unique requests that check them, and the
/// pages with any source to look for their signatures in (web sources or captures).
fn plan<'a>(
    site: &'a Site,
    settings: &OnlineSettings,
) -> (Vec<Entry<'a>>, Vec<Job>, Vec<PageSources<'a>>) {
    let mut entries = Vec::new();
    let mut jobs: Vec<Job> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut pages = Vec::new();
    for page in &site.pages {
        let page: &Page = page;
        let start = entries.len();
        for source in &page.front.sources {
            // A capture is a file of the site, not a web page: nothing to request or judge.
            if source.kind.value == SourceKind::Capture {
                continue;
            }
            let Some(url) = &source.url else { continue };
            // What `bad-url` reports is not requested.
            let Ok(parsed) = Url::parse(&url.value) else {
                continue;
            };
            if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
                continue;
            }
            let target = classify(&parsed);
            let key = request_url(&target, &parsed, settings);
            let skipped = settings.skips(parsed.host_str().unwrap_or_default())
                || Url::parse(&key)
                    .ok()
                    .and_then(|u| u.host_str().map(|h| settings.skips(h)))
                    .unwrap_or(false);
            let job = (!skipped).then(|| {
                *index.entry(key.clone()).or_insert_with(|| {
                    jobs.push(Job {
                        host: origin(&key),
                        kind: match target {
                            Target::Issue(_) | Target::Pull(_) => Kind::Issue,
                            Target::Blob { .. } => Kind::Raw,
                            Target::Page => Kind::Page,
                        },
                        key,
                    });
                    jobs.len() - 1
                })
            });
            entries.push(Entry {
                cited: Cited {
                    page,
                    source,
                    url: &url.value,
                    target,
                },
                job,
            });
        }
        let captures = capture::read(&site.root, page);
        if entries.len() > start || !captures.is_empty() {
            pages.push(PageSources {
                page,
                entries: start..entries.len(),
                captures,
            });
        }
    }
    (entries, jobs, pages)
}

/// Runs jobs on the pool with the settings' limits, drawing progress if asked.
fn run_jobs(
    jobs: &[Job],
    settings: &OnlineSettings,
    show: bool,
    fetch: &(dyn Fn(&Job) -> Checked + Sync),
) -> Vec<Checked> {
    if jobs.is_empty() {
        return Vec::new();
    }
    let api = origin(&settings.github_api_url);
    let interval = (settings.per_host_rate > 0.0)
        .then(|| Duration::from_secs_f64(1.0 / settings.per_host_rate));
    let mut totals: Vec<(String, usize)> = Vec::new();
    for job in jobs {
        match totals.iter_mut().find(|(h, _)| *h == job.host) {
            Some((_, n)) => *n += 1,
            None => totals.push((job.host.clone(), 1)),
        }
    }
    let progress = Progress::new(show, totals);
    progress.show_while(|| {
        pool::run(
            jobs,
            settings.concurrency.max(1) as usize,
            |job| {
                let concurrency = if job.host == api {
                    settings.github_concurrency
                } else {
                    settings.per_host_concurrency
                };
                let limit = HostLimit {
                    concurrency: concurrency.max(1) as usize,
                    interval,
                };
                (job.host.clone(), limit)
            },
            |job| {
                let result = fetch(job);
                progress.done(&job.host);
                result
            },
        )
    })
}

fn found<'r>(entry: &Entry, results: &'r [Checked]) -> Option<&'r Document> {
    match entry.job.map(|j| &results[j]) {
        Some(Checked::Known {
            outcome: Outcome::Found(document),
            ..
        }) => Some(document),
        _ => None,
    }
}

/// The comments of an issue or pull request that has any.
fn comments_url(entry: &Entry, results: &[Checked]) -> Option<String> {
    let facts = found(entry, results)?.github.as_ref()?;
    if facts.comments == 0 {
        return None;
    }
    facts.comments_url.clone()
}

/// What each of a page's sources says, with the comments read so far; its captures, read
/// whole from disk, come last.
fn source_texts<'a>(
    sources: &'a PageSources,
    entries: &'a [Entry],
    results: &'a [Checked],
    comments: &'a [Checked],
    comment_index: &HashMap<String, usize>,
) -> Vec<SourceText<'a>> {
    let captures = sources.captures.iter().map(|c| SourceText {
        id: c.id,
        texts: c.text.as_deref().into_iter().collect(),
        complete: c.text.is_some(),
    });
    entries[sources.entries.clone()]
        .iter()
        .map(|entry| {
            let id = entry.cited.source.id.value.as_str();
            let Some(document) = found(entry, results) else {
                return SourceText {
                    id,
                    texts: Vec::new(),
                    complete: false,
                };
            };
            let mut texts = vec![document.text.as_str()];
            let mut complete = true;
            if let Some(url) = comments_url(entry, results) {
                match comment_index.get(&url).map(|&i| &comments[i]) {
                    Some(Checked::Known {
                        outcome: Outcome::Found(all),
                        ..
                    }) => {
                        texts.push(all.text.as_str());
                        complete = all.next.is_none();
                    }
                    _ => complete = false,
                }
            }
            SourceText {
                id,
                texts,
                complete,
            }
        })
        .chain(captures)
        .collect()
}

/// Most pages of comments read for one issue (100 a page).
const MAX_COMMENT_PAGES: usize = 10;

/// Every page of an issue's comments, their texts joined; `next` stays set if there were
/// more pages than are read.
fn read_comments(fetcher: &Fetcher, url: &str) -> Checked {
    let separator = if url.contains('?') { '&' } else { '?' };
    let mut next = Some(format!("{url}{separator}per_page=100"));
    let mut all = Document {
        final_url: url.to_string(),
        ..Document::default()
    };
    let mut all_cached = true;
    let mut oldest = i64::MAX;
    for _ in 0..MAX_COMMENT_PAGES {
        let Some(page_url) = next.take() else { break };
        match fetcher.fetch(&page_url, Kind::Comments) {
            Checked::Known {
                outcome: Outcome::Found(page),
                cached,
                checked_at,
            } => {
                if !all.text.is_empty() {
                    all.text.push(' ');
                }
                all.text.push_str(&page.text);
                next = page.next;
                all_cached &= cached;
                oldest = oldest.min(checked_at);
            }
            other => return other,
        }
    }
    all.next = next;
    Checked::Known {
        outcome: Outcome::Found(Box::new(all)),
        cached: all_cached,
        checked_at: oldest,
    }
}

/// The one diagnostic for sources left unchecked, at the first of them.
fn incomplete(cx: &Context, unchecked: &[(&Entry, Unchecked)], total: usize) -> Option<Diagnostic> {
    let (first, _) = unchecked.first()?;
    let count = unchecked.len();
    let rate_limited = unchecked.iter().find_map(|(_, why)| match why {
        Unchecked::RateLimited { reset } => Some(*reset),
        Unchecked::NotCached => None,
    });
    let (message, help) = match rate_limited {
        Some(reset) => {
            let when = reset
                .and_then(|r| jiff::Timestamp::from_second(r).ok())
                .map(|t| {
                    format!(
                        " until {} UTC",
                        t.to_zoned_datetime(jiff::tz::TimeZone::UTC)
                            .strftime("%Y-%m-%d %H:%M")
                    )
                })
                .unwrap_or_default();
            (
                format!(
                    "{count} of {total} sources were left unchecked: the GitHub API rate limit is exhausted{when}"
                ),
                "set GITHUB_TOKEN to a token (5,000 requests an hour instead of 60), or run again after the reset: what was checked is cached",
            )
        }
        None => (
            format!("{count} of {total} sources have no cached result to report"),
            "run `errbook check --online` with network access first; it fills .errbook/cache/online/",
        ),
    };
    let span = first
        .cited
        .source
        .url
        .as_ref()
        .map_or(0..0, |u| u.span.clone());
    Some(
        cx.report("online-incomplete", first.cited.page, span, message)
            .with_help(help),
    )
}

fn source_report(entry: &Entry, checked: Option<&Checked>) -> SourceReport {
    let cited = &entry.cited;
    let span = cited.source.url.as_ref().map_or(0..0, |u| u.span.clone());
    let (line, column) = cited.page.file.line_col(span.start);
    let mut report = SourceReport {
        file: cited.page.file.display_path(),
        line,
        column,
        id: cited.source.id.value.clone(),
        url: cited.url.to_string(),
        result: "skipped",
        final_url: None,
        title: None,
        state: None,
        cached: false,
        checked_on: None,
    };
    match checked {
        None => {}
        Some(Checked::Unchecked(_)) => report.result = "unchecked",
        Some(Checked::Known {
            outcome,
            cached,
            checked_at,
        }) => {
            report.cached = *cached;
            report.checked_on = Some(verdict::day_of(*checked_at));
            report.result = match outcome {
                Outcome::Found(document) => {
                    report.final_url = Some(
                        document
                            .github
                            .as_ref()
                            .map_or(document.final_url.clone(), |f| f.html_url.clone()),
                    );
                    report.title = document
                        .github
                        .as_ref()
                        .map(|f| f.title.clone())
                        .or_else(|| document.title.clone());
                    report.state = document.github.as_ref().map(|f| f.state.name());
                    "found"
                }
                Outcome::Gone { .. } => "gone",
                Outcome::Unreachable { .. } => "unreachable",
                Outcome::Refused { .. } => "refused",
            };
        }
    }
    report
}

/// The state of every GitHub issue and pull request cited by the site, as the last online
/// check found it, by cited URL: for templates. Reads the cache only.
pub fn source_states(site: &Site) -> HashMap<String, State> {
    let cache = Cache::open(&site.root);
    let mut states = HashMap::new();
    if !cache.exists() {
        return states;
    }
    let settings = &site.config.check.online;
    for page in &site.pages {
        for source in &page.front.sources {
            let Some(url) = &source.url else { continue };
            let Ok(parsed) = Url::parse(&url.value) else {
                continue;
            };
            let target = classify(&parsed);
            if !matches!(target, Target::Issue(_) | Target::Pull(_)) {
                continue;
            }
            if let Some(entry) = cache.get(&request_url(&target, &parsed, settings))
                && let Outcome::Found(document) = entry.outcome
                && let Some(facts) = &document.github
            {
                states.insert(url.value.clone(), facts.state);
            }
        }
    }
    states
}
