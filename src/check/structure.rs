//! Structure rules: the sections of the page contract are there and not empty, signatures
//! are specific.

use crate::check::Context;
use crate::content::Page;
use crate::content::Signature;
use crate::content::markdown::SectionKind;
use crate::diagnostic::Diagnostic;

/// Sections every page must have. The FAQ is optional: only real questions belong there.
const REQUIRED: [SectionKind; 5] = [
    SectionKind::Meaning,
    SectionKind::Causes,
    SectionKind::Fixes,
    SectionKind::Troubleshooting,
    SectionKind::Prevention,
];

/// Literal signatures shorter than this cannot identify one error among many.
const MIN_LITERAL_CHARS: usize = 8;

/// Texts that appear in countless unrelated errors.
const GENERIC: &[&str] = &[
    "error",
    "exception",
    "failed",
    "failure",
    "traceback",
    "warning",
    "fatal",
    "timeout",
    "timed out",
    "internal server error",
    "bad request",
    "not found",
    "unauthorized",
    "forbidden",
    "rate limit",
    "rate limit exceeded",
    "too many requests",
    "connection refused",
    "permission denied",
    "something went wrong",
    "unknown error",
    "an error occurred",
];

pub fn check_page(page: &Page, cx: &Context, out: &mut Vec<Diagnostic>) {
    // The closing `---` of the front matter: where the body, and so every section, begins.
    let body_start = page.front.span.end.saturating_sub(3);
    for kind in REQUIRED {
        if page.body.section(kind).is_none() {
            let title = crate::content::markdown::SectionKind::REQUIRED
                .iter()
                .find(|(k, _)| *k == kind)
                .map_or("", |(_, t)| t);
            out.push(
                cx.report(
                    "missing-section",
                    page,
                    body_start..body_start,
                    format!("the page has no `## {title}` section"),
                )
                .with_help(format!("add `## {title}` (see docs/page-format.md)")),
            );
        }
    }
    for section in &page.body.sections {
        if section.kind != SectionKind::Preamble && !section.has_content() {
            out.push(
                cx.report(
                    "empty-section",
                    page,
                    section.span.clone(),
                    format!("`## {}` is empty", section.title),
                )
                .with_help("write the section, or remove it if it is optional"),
            );
        }
    }
    for signature in &page.front.signatures {
        match &signature.value {
            Signature::Literal(text) => {
                let normalized = crate::check::normalize(text);
                if text.trim().chars().count() < MIN_LITERAL_CHARS
                    || GENERIC.contains(&normalized.as_str())
                {
                    out.push(
                        cx.report(
                            "invalid-signature",
                            page,
                            signature.span.clone(),
                            format!("the signature `{text}` is too short or generic to identify this error"),
                        )
                        .with_help("use the exact, distinctive text the tool prints, e.g. its exception name and message"),
                    );
                }
            }
            Signature::Regex { pattern, .. } => match regex_syntax::Parser::new().parse(pattern) {
                // Parsing is enough to validate a pattern; compiling every regex of a large
                // site here would cost more than all the other checks together.
                Err(e) => {
                    // The crate's message is a multi-line drawing; its last line says why.
                    let text = e.to_string();
                    let why = text
                        .lines()
                        .last()
                        .unwrap_or_default()
                        .trim_start_matches("error: ");
                    out.push(
                        cx.report(
                            "invalid-signature",
                            page,
                            signature.span.clone(),
                            format!("the regex does not compile: {why}"),
                        )
                        .with_help("regex syntax: https://docs.rs/regex/latest/regex/#syntax"),
                    );
                }
                Ok(hir) if hir.properties().minimum_len() == Some(0) => out.push(
                    cx.report(
                        "invalid-signature",
                        page,
                        signature.span.clone(),
                        "the regex matches the empty string, so it matches every log",
                    )
                    .with_help("anchor it on the distinctive words of the message"),
                ),
                Ok(_) => {}
            },
        }
    }
}
