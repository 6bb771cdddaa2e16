//! Check: every rule over every page and over the site, then the configured levels.

pub mod advice;
pub mod evidence;
pub mod examples;
pub mod fixes;
pub mod format;
pub mod links;
pub mod quality;
pub mod rules;
pub mod signatures;
pub mod structure;
pub mod text;

use std::ops::Range;

use jiff::civil::Date;
use rayon::prelude::*;

use crate::config::CheckSettings;
use crate::content::Page;
use crate::diagnostic::{Diagnostic, Severity};
use crate::site::Site;
use rules::Level;
pub use text::{fingerprint, normalize};

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
    // `signature-collision` reads only front matter, and building its automaton is
    // sequential: it runs beside the page rules, whose pages the other threads share out.
    let (per_page, collisions): (Vec<(Vec<Diagnostic>, Vec<quality::Block>)>, _) = rayon::join(
        || {
            site.pages
                .par_iter()
                .map(|page| {
                    let mut out = Vec::new();
                    structure::check_page(page, &cx, &mut out);
                    evidence::check_page(page, &cx, &mut out);
                    fixes::check_page(page, &cx, &mut out);
                    let blocks = quality::check_page(page, &cx, &mut out);
                    links::check_page(page, &cx, &mut out);
                    examples::check_page(page, &cx, &mut out);
                    signatures::check_page(page, &cx, &mut out);
                    // Allowed rules' findings go at once, not after every page's are kept.
                    apply_levels(&site.config.lints, &mut out);
                    (out, blocks)
                })
                .collect()
        },
        || {
            let mut out = Vec::new();
            signatures::check_site(&cx, &mut out);
            signatures::check_found(&cx, &mut out);
            out
        },
    );
    let (page_diagnostics, blocks): (Vec<_>, Vec<_>) = per_page.into_iter().unzip();
    diagnostics.extend(page_diagnostics.into_iter().flatten());
    quality::check_site(&cx, &blocks, &mut diagnostics);
    diagnostics.extend(collisions);
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
