//! What one source's check says about the page that cites it: unreachable, moved, refused, a
//! title or date that differs, the state of an issue or pull request.

use jiff::Timestamp;

use super::cache::{Document, Outcome};
use super::compare::{issue_title_matches, page_title_matches, same_day, utc_day};
use super::fetch::{Mode, status_text};
use super::github::{Facts, State};
use super::target::{IssueRef, Target, issue_of_html_url};
use crate::check::Context;
use crate::content::{Page, Source};
use crate::diagnostic::Diagnostic;

/// One source of a page, with what its URL points at.
pub struct Cited<'a> {
    pub page: &'a Page,
    pub source: &'a Source,
    pub url: &'a str,
    pub target: Target,
}

impl Cited<'_> {
    fn url_span(&self) -> std::ops::Range<usize> {
        self.source
            .url
            .as_ref()
            .map_or(self.source.id.span.clone(), |u| u.span.clone())
    }
}

/// Diagnostics about a source whose check came to `outcome`.
pub fn diagnose(
    cx: &Context,
    cited: &Cited,
    outcome: &Outcome,
    checked_at: i64,
    mode: Mode,
    raw_base: &str,
) -> Vec<Diagnostic> {
    // In a cache-only run the reader must know how old the finding is.
    let as_of = match mode {
        Mode::CacheOnly => format!(" (as of the online check of {})", day_of(checked_at)),
        Mode::Online => String::new(),
    };
    let url = cited.url;
    let page = cited.page;
    let mut out = Vec::new();
    match outcome {
        Outcome::Gone { status } => out.push(
            cx.report(
                "source-unreachable",
                page,
                cited.url_span(),
                format!("`{url}` answered {}{as_of}", status_text(*status)),
            )
            .with_help(UNREACHABLE_HELP),
        ),
        Outcome::Unreachable { reason } => out.push(
            cx.report(
                "source-unreachable",
                page,
                cited.url_span(),
                format!("`{url}` is unreachable: {reason}{as_of}"),
            )
            .with_help(UNREACHABLE_HELP),
        ),
        Outcome::Refused { status } => out.push(
            cx.report(
                "source-unverified",
                page,
                cited.url_span(),
                format!(
                    "`{url}` could not be checked: it answered {}{as_of}",
                    status_text(*status)
                ),
            )
            .with_help(
                "open it in a browser to confirm it; if the site always refuses automated requests, add its host to `skip_hosts` under [check.online]",
            ),
        ),
        Outcome::Found(document) => {
            if let Some(moved) = moved_to(document, raw_base) {
                out.push(
                    cx.report(
                        "source-moved",
                        page,
                        cited.url_span(),
                        format!("`{url}` redirects permanently to `{moved}`{as_of}"),
                    )
                    .with_help(format!("cite the new address: url: {moved}")),
                );
            }
            match (&cited.target, &document.github) {
                (Target::Issue(issue) | Target::Pull(issue), Some(facts)) => {
                    github_facts(cx, cited, issue, facts, &as_of, &mut out);
                }
                (Target::Page, _) => page_title(cx, cited, document, &as_of, &mut out),
                _ => {}
            }
        }
    }
    out
}

const UNREACHABLE_HELP: &str = "fix the URL, or cite a copy that is still online (an archived copy, e.g. on web.archive.org, beats a dead link)";

/// The new address of a permanently moved source, as the page should cite it: a raw file's
/// new location is given as its `github.com/.../blob/...` page.
fn moved_to(document: &Document, raw_base: &str) -> Option<String> {
    let moved = document.moved_to.as_deref()?;
    let raw_base = raw_base.trim_end_matches('/');
    if let Some(rest) = moved
        .strip_prefix(raw_base)
        .and_then(|r| r.strip_prefix('/'))
    {
        let mut parts = rest.splitn(3, '/');
        if let (Some(owner), Some(repo), Some(path)) = (parts.next(), parts.next(), parts.next()) {
            return Some(format!("https://github.com/{owner}/{repo}/blob/{path}"));
        }
    }
    Some(moved.to_string())
}

fn github_facts(
    cx: &Context,
    cited: &Cited,
    issue: &IssueRef,
    facts: &Facts,
    as_of: &str,
    out: &mut Vec<Diagnostic>,
) {
    let page = cited.page;
    let source = cited.source;
    let what = if facts.is_pull {
        "pull request"
    } else {
        "issue"
    };
    if let Some(now) = issue_of_html_url(&facts.html_url)
        && !now.same_as(issue)
    {
        let message = if now.number != issue.number {
            format!("{what} {issue} was transferred: it is now {now}{as_of}")
        } else {
            format!(
                "the repository {}/{} moved: {what} {issue} is now {now}{as_of}",
                issue.owner, issue.repo
            )
        };
        out.push(
            cx.report("source-moved", page, cited.url_span(), message)
                .with_help(format!("cite the new address: url: {}", facts.html_url)),
        );
    }
    if !issue_title_matches(&source.title.value, &facts.title) {
        out.push(
            cx.report(
                "source-title-mismatch",
                page,
                source.title.span.clone(),
                format!(
                    "the title differs from the {what}'s: the page says `{}`, GitHub says `{}`{as_of}",
                    source.title.value, facts.title
                ),
            )
            .with_help("copy the title exactly as GitHub shows it"),
        );
    }
    let created = facts.created_at.parse::<Timestamp>().ok();
    if let (Some(date), Some(created)) = (&source.date, created)
        && !same_day(date.value, created)
    {
        let opened = utc_day(created);
        let other_day = |at: &Option<String>, event: &str| {
            at.as_deref()
                .and_then(|t| t.parse::<Timestamp>().ok())
                .filter(|t| same_day(date.value, *t))
                .map(|_| format!("; {} is the day it was {event}", date.value))
        };
        let hint = other_day(&facts.merged_at, "merged")
            .or_else(|| other_day(&facts.closed_at, "closed"))
            .unwrap_or_default();
        out.push(
            cx.report(
                "source-date-mismatch",
                page,
                date.span.clone(),
                format!(
                    "{what} {issue} was opened on {opened} ({}), not on {}{hint}{as_of}",
                    facts.created_at, date.value
                ),
            )
            .with_help(format!(
                "a source's date is the day it was opened: date: {opened}"
            )),
        );
    }
    let on = |at: &Option<String>| {
        at.as_deref()
            .and_then(|t| t.parse::<Timestamp>().ok())
            .map(|t| format!(" on {}", utc_day(t)))
            .unwrap_or_default()
    };
    let state = match facts.state {
        State::Open => None,
        State::Merged => Some(format!("{what} {issue} was merged{}", on(&facts.merged_at))),
        State::ClosedUnmerged => Some(format!(
            "{what} {issue} was closed without being merged{}",
            on(&facts.closed_at)
        )),
        State::Closed => {
            let reason = match facts.state_reason.as_deref() {
                Some("not_planned") => " as not planned",
                Some("duplicate") => " as a duplicate",
                Some("completed") => " as completed",
                _ => "",
            };
            Some(format!(
                "{what} {issue} was closed{reason}{}",
                on(&facts.closed_at)
            ))
        }
    };
    if let Some(message) = state {
        let help = if facts.state == State::ClosedUnmerged {
            "an unmerged pull request fixed nothing: do not present it as the fix; cite the change that was merged, if any"
        } else {
            "the state is shown next to the source on the page"
        };
        out.push(
            cx.report(
                "source-state",
                page,
                cited.url_span(),
                format!("{message}{as_of}"),
            )
            .with_help(help),
        );
    }
}

fn page_title(
    cx: &Context,
    cited: &Cited,
    document: &Document,
    as_of: &str,
    out: &mut Vec<Diagnostic>,
) {
    let title = document.title.as_deref();
    let heading = document.heading.as_deref();
    if title.is_none() && heading.is_none() {
        return;
    }
    let claimed = &cited.source.title;
    if page_title_matches(&claimed.value, title, heading) {
        return;
    }
    let shown = match (title, heading) {
        (Some(t), Some(h)) => format!("its <title> is `{t}` and its first <h1> `{h}`"),
        (Some(t), None) => format!("its <title> is `{t}`"),
        (None, Some(h)) => format!("its first <h1> is `{h}`"),
        (None, None) => unreachable!("returned above"),
    };
    out.push(
        cx.report(
            "source-title-mismatch",
            cited.page,
            claimed.span.clone(),
            format!(
                "the title differs from the page's: the source says `{}`, {shown}{as_of}",
                claimed.value
            ),
        )
        .with_help("use the page's own title (without the site's name)"),
    );
}

/// The UTC day of a Unix time.
pub fn day_of(secs: i64) -> String {
    Timestamp::from_second(secs)
        .map(|t| utc_day(t).to_string())
        .unwrap_or_else(|_| "an unknown day".into())
}
