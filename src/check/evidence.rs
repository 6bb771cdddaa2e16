//! Evidence rules: every cause cites a source, every source is real, linked and dated sensibly.

use std::collections::HashSet;

use crate::check::Context;
use crate::content::markdown::SectionKind;
use crate::content::{Page, SourceKind};
use crate::diagnostic::Diagnostic;

pub fn check_page(page: &Page, cx: &Context, out: &mut Vec<Diagnostic>) {
    let front = &page.front;
    let ids: HashSet<&str> = front.sources.iter().map(|s| s.id.value.as_str()).collect();

    if let Some(causes) = page.body.section(SectionKind::Causes)
        && !lead_is_cited(page, causes)
    {
        for cause in causes.items() {
            if cause.citations.is_empty() {
                out.push(
                    cx.report(
                        "uncited-cause",
                        page,
                        cause.span.clone(),
                        "this cause cites no source",
                    )
                    .with_help("cite the evidence it rests on as [@source-id], or remove the cause; a citation on the paragraph that opens the Causes section (a vendor documenting its own behaviour) covers every cause below it"),
                );
            }
        }
    }
    for citation in &page.body.citations {
        if !ids.contains(citation.value.as_str()) {
            let known: Vec<&str> = ids.iter().copied().collect();
            let help = match crate::diagnostic::did_you_mean(&citation.value, &known) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "add the source under `sources:` in the front matter".to_string(),
            };
            out.push(
                cx.report(
                    "unknown-citation",
                    page,
                    citation.span.clone(),
                    format!("`[@{}]` names no source of this page", citation.value),
                )
                .with_help(help),
            );
        }
    }
    let cited: HashSet<&str> = page
        .body
        .citations
        .iter()
        .map(|c| c.value.as_str())
        .collect();
    let today = cx.today;
    for source in &front.sources {
        if !cited.contains(source.id.value.as_str()) {
            out.push(
                cx.report(
                    "unused-source",
                    page,
                    source.id.span.clone(),
                    format!("source `{}` is never cited", source.id.value),
                )
                .with_help("cite it where the page relies on it, or remove it"),
            );
        }
        match &source.url {
            None => out.push(
                cx.report(
                    "source-without-url",
                    page,
                    source.id.span.clone(),
                    format!("source `{}` has no url", source.id.value),
                )
                .with_help("evidence a reader cannot open is not evidence: add `url:`"),
            ),
            Some(url) if source.kind.value == SourceKind::Capture => {
                check_capture(page, cx, &url.value, url.span.clone(), out);
            }
            Some(url) => {
                if let Some(problem) = url_problem(&url.value) {
                    let mut d = cx.report(
                        "bad-url",
                        page,
                        url.span.clone(),
                        format!("`{}` {problem}", url.value),
                    );
                    if url.value.starts_with('/') && !url.value.starts_with("//") {
                        d = d.with_help(
                            "a file published with the site (a captured log under `static/`) is cited with `kind: capture`",
                        );
                    }
                    out.push(d);
                }
            }
        }
        if let Some(date) = &source.date {
            if date.value > today {
                out.push(cx.report(
                    "source-date-in-future",
                    page,
                    date.span.clone(),
                    format!("the source is dated {}, which is in the future", date.value),
                ));
            } else if date.value > front.updated.value {
                out.push(
                    cx.report(
                        "source-after-updated",
                        page,
                        date.span.clone(),
                        format!(
                            "the source is dated {}, after the page was last updated ({})",
                            date.value, front.updated.value
                        ),
                    )
                    .with_help("review the page against this source and move `updated` forward"),
                );
            }
        }
    }
    let updated = &front.updated;
    if updated.value > today {
        out.push(cx.report(
            "updated-in-future",
            page,
            updated.span.clone(),
            format!("`updated: {}` is in the future", updated.value),
        ));
    } else if let Ok(age) = today.since(updated.value) {
        let days = i64::from(age.get_days());
        if days > cx.settings.stale_after_days {
            out.push(
                cx.report("stale-page", page, updated.span.clone(), format!("the page was last updated on {}, more than {} days ago", updated.value, cx.settings.stale_after_days))
                    .with_help("re-check it against its sources and the tool's current release, then move `updated` forward"),
            );
        }
    }
    let secondary = |k: SourceKind| matches!(k, SourceKind::Forum | SourceKind::Blog);
    if !front.sources.is_empty() && front.sources.iter().all(|s| secondary(s.kind.value)) {
        out.push(
            cx.report(
                "weak-evidence",
                page,
                front.sources[0].span.clone(),
                "every source is a forum or blog post",
            )
            .with_help(
                "add a primary source: the tool's issue tracker, docs, changelog or source code",
            ),
        );
    }
}

/// Whether the paragraphs that open the Causes section, before its first cause, cite a
/// source: "the vendor's documentation names these causes [@docs]" covers each of them.
fn lead_is_cited(page: &Page, causes: &crate::content::markdown::Section) -> bool {
    let Some(first) = causes.items().first() else {
        return false;
    };
    let lead = causes.span.end..first.span.start;
    page.body
        .citations
        .iter()
        .any(|c| c.span.start >= lead.start && c.span.end <= lead.end)
}

/// A `capture` source names a file under the site's `static/`, published with the site.
fn check_capture(
    page: &Page,
    cx: &Context,
    url: &str,
    span: std::ops::Range<usize>,
    out: &mut Vec<Diagnostic>,
) {
    match crate::content::page::capture_path(url) {
        Err(problem) => out.push(
            cx.report("bad-url", page, span, format!("`{url}` {problem}"))
                .with_help(
                    "a capture's url is the site-relative path of its file under `static/`, e.g. `/captures/<tool>/<run>.log` for static/captures/<tool>/<run>.log; cite a web page with another kind",
                ),
        ),
        Ok(path) => {
            if !cx.site.root.join("static").join(path).is_file() {
                out.push(
                    cx.report(
                        "missing-capture",
                        page,
                        span,
                        format!("`{url}` is cited as a capture, but static/{path} does not exist"),
                    )
                    .with_help(
                        "put the captured log at that path under `static/` (it is published with the site), or fix the url",
                    ),
                );
            }
        }
    }
}

/// What is wrong with a source URL, if anything.
fn url_problem(text: &str) -> Option<&'static str> {
    let Ok(url) = url::Url::parse(text) else {
        return Some("is not a valid absolute URL");
    };
    if !matches!(url.scheme(), "http" | "https") {
        return Some("is not an http(s) URL");
    }
    match url.host_str() {
        Some(host) if host.contains('.') && !host.ends_with('.') => None,
        _ => Some("has no public host name"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn urls() {
        assert_eq!(super::url_problem("https://github.com/a/b/issues/1"), None);
        assert!(super::url_problem("github.com/a").is_some());
        assert!(super::url_problem("ftp://x.org/a").is_some());
        assert!(super::url_problem("https://localhost/a").is_some());
        assert!(super::url_problem("https://exa mple.org/").is_some());
    }
}
