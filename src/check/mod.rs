//! Check: every rule over every page and over the site, then the configured levels.

pub mod evidence;
pub mod examples;
pub mod fixes;
pub mod format;
pub mod links;
pub mod quality;
pub mod rules;
pub mod signatures;
pub mod structure;

use std::ops::Range;

use jiff::civil::Date;
use rayon::prelude::*;

use crate::config::CheckSettings;
use crate::content::Page;
use crate::diagnostic::{Diagnostic, Severity};
use crate::site::Site;
use rules::Level;

/// What the rules may look at besides the page itself.
pub struct Context<'a> {
    pub site: &'a Site,
    pub today: Date,
    pub settings: &'a CheckSettings,
}

impl Context<'_> {
    /// A diagnostic on a page at the rule's default severity (levels are applied later).
    pub fn report(
        &self,
        rule: &'static str,
        page: &Page,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Diagnostic {
        let severity = match rules::find(rule).map(|r| r.default) {
            Some(Level::Report(severity)) => severity,
            _ => Severity::Error,
        };
        Diagnostic::at(severity, rule, &page.file, span, message)
    }
}

/// Today's date in the local time zone: dates after it are in the future.
pub fn today() -> Date {
    jiff::ZonedDateTime::now().date()
}

/// Runs every rule on the site. Diagnostics from loading are passed in so that levels apply
/// to all of them and the result is one sorted list.
pub fn check(site: &Site, today: Date, mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let cx = Context {
        site,
        today,
        settings: &site.config.check,
    };
    let per_page: Vec<(Vec<Diagnostic>, Vec<quality::Block>)> = site
        .pages
        .par_iter()
        .map(|page| {
            let mut out = Vec::new();
            structure::check_page(page, &cx, &mut out);
            evidence::check_page(page, &cx, &mut out);
            fixes::check_page(page, &cx, &mut out);
            let blocks = quality::check_page(page, &cx, &mut out);
            links::check_page(page, &cx, &mut out);
            examples::check_page(page, &cx, &mut out);
            (out, blocks)
        })
        .collect();
    let (page_diagnostics, blocks): (Vec<_>, Vec<_>) = per_page.into_iter().unzip();
    diagnostics.extend(page_diagnostics.into_iter().flatten());
    quality::check_site(&cx, &blocks, &mut diagnostics);
    signatures::check_site(&cx, &mut diagnostics);
    apply_levels(&site.config.lints, &mut diagnostics);
    Diagnostic::sort(&mut diagnostics);
    diagnostics
}

/// Applies `[lints]`: changes severities and drops allowed rules.
pub fn apply_levels(
    lints: &std::collections::BTreeMap<String, String>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if lints.is_empty() {
        return;
    }
    diagnostics.retain_mut(|d| {
        let configured = rules::find(d.rule)
            .filter(|r| r.configurable)
            .and_then(|_| lints.get(d.rule))
            .and_then(|level| Level::parse(level));
        match configured {
            Some(Level::Allow) => false,
            Some(Level::Report(severity)) => {
                d.severity = severity;
                true
            }
            None => true,
        }
    });
}

/// Words of a text, lowercased, without punctuation: what "the same text" compares.
pub fn normalize(text: &str) -> String {
    let mut out = String::new();
    normalize_into(text, &mut out);
    out
}

/// Appends the normalized form of `text` (see [`normalize`]) to `out`, words separated by one
/// space, and returns how many words it has. Rules normalize every block of every page, so
/// ASCII, nearly all of the text, takes a path without char decoding or case tables.
pub fn normalize_into(text: &str, out: &mut String) -> usize {
    out.reserve(text.len());
    let start = out.len();
    let mut words = 0;
    let mut in_word = false;
    let mut rest = text;
    while let Some(&byte) = rest.as_bytes().first() {
        let (alphanumeric, width) = if byte.is_ascii() {
            (byte.is_ascii_alphanumeric(), 1)
        } else {
            let c = rest.chars().next().unwrap_or_default();
            (c.is_alphanumeric(), c.len_utf8())
        };
        if alphanumeric {
            if !in_word {
                if out.len() > start {
                    out.push(' ');
                }
                words += 1;
                in_word = true;
            }
            if byte.is_ascii() {
                out.push(char::from(byte.to_ascii_lowercase()));
            } else {
                out.extend(rest[..width].chars().flat_map(char::to_lowercase));
            }
        } else {
            in_word = false;
        }
        rest = &rest[width..];
    }
    words
}

/// A fast, stable 64-bit FNV-1a hash of a text. The quality rules hash millions of short
/// strings; SipHash's protection against hostile keys buys nothing there.
pub fn fingerprint(text: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// [`fingerprint`] of the lowercased text, without making the lowercased copy when the text
/// is ASCII.
pub fn fingerprint_lowercase(text: &str) -> u64 {
    if !text.is_ascii() {
        return fingerprint(&text.to_lowercase());
    }
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte.to_ascii_lowercase());
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

#[cfg(test)]
mod tests {
    #[test]
    fn normalize_ignores_case_space_and_punctuation() {
        assert_eq!(
            super::normalize("Check the  LOG, then retry!"),
            "check the log then retry"
        );
    }

    #[test]
    fn normalize_counts_words_and_lowercases_beyond_ascii() {
        let mut out = String::from("kept|");
        assert_eq!(super::normalize_into("  Straße, ÉTÉ! İx 42…", &mut out), 4);
        assert_eq!(out, "kept|straße été i\u{307}x 42");
        assert_eq!(super::normalize_into("-- ,, --", &mut out), 0);
        assert_eq!(super::normalize(""), "");
    }

    #[test]
    fn lowercase_fingerprint_is_the_fingerprint_of_the_lowercase() {
        for text in ["Rpm_Limit", "ÉTÉ x", ""] {
            assert_eq!(
                super::fingerprint_lowercase(text),
                super::fingerprint(&text.to_lowercase())
            );
        }
    }
}
