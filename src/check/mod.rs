//! Check: every rule over every page and over the site, then the configured levels.

pub mod advice;
pub mod evidence;
pub mod examples;
pub mod fixes;
pub mod format;
pub mod kept;
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
        let info = rules::find(rule);
        let severity = match info.map(|r| r.default) {
            Some(Level::Report(severity)) => severity,
            _ => Severity::Error,
        };
        let lints = &self.site.config.lints;
        if matches!(configured_level(lints, info, rule), Some(Level::Allow)) {
            // `apply_levels` drops it: it is not located (building the page's line index for
            // it was a twentieth of an incremental build's work).
            return Diagnostic::file_error(rule, "", 0, 0, message);
        }
        Diagnostic::at(severity, rule, &page.file, span, message)
    }
}

/// Today's date in the local time zone: dates after it are in the future.
pub fn today() -> Date {
    jiff::ZonedDateTime::now().date()
}

/// Runs every rule on the site. Diagnostics from loading are passed in so that levels apply
/// to all of them and the result is one sorted list.
pub fn check(site: &Site, today: Date, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let keeping = Keeping {
        previous: None,
        keep: false,
    };
    check_reusing(site, today, diagnostics, &keeping).0
}

/// [`check`], skipping the page-local rules on the pages unchanged since the check kept in
/// `file` found nothing on them (unless it says not to reuse it), and keeping this check's
/// for the next. Failing to keep them only costs the next build a full check.
pub fn check_keeping(
    site: &Site,
    today: Date,
    diagnostics: Vec<Diagnostic>,
    file: &crate::cache_file::KeptFile,
) -> Vec<Diagnostic> {
    let rules = kept::rules_key(site);
    let previous = file.read_with(|path| kept::Previous::read(path, rules));
    let keeping = Keeping {
        previous: previous.as_ref(),
        keep: true,
    };
    let (diagnostics, entries) = check_reusing(site, today, diagnostics, &keeping);
    let _ = kept::write(&file.path, rules, &entries);
    diagnostics
}

/// One page's findings: its diagnostics, its blocks for `boilerplate`, and, when the page
/// rules found nothing, the path and text hash to keep it under.
type Checked = (Vec<Diagnostic>, Vec<quality::Block>, Option<(String, u128)>);

/// What a check takes from the previous one (only a check that keeps its own reads one), and
/// whether it gives its own for the next.
struct Keeping<'a> {
    previous: Option<&'a kept::Previous>,
    keep: bool,
}

/// Runs every rule, taking pages unchanged since the previous check from it, and gives what
/// to keep of this one (nothing unless `keeping.keep`).
fn check_reusing(
    site: &Site,
    today: Date,
    mut diagnostics: Vec<Diagnostic>,
    keeping: &Keeping,
) -> (Vec<Diagnostic>, Vec<kept::Entry>) {
    let cx = Context {
        site,
        today,
        settings: &site.config.check,
    };
    // `signature-collision` reads only front matter, and building its automaton is
    // sequential: it runs beside the page rules, whose pages the other threads share out.
    let (per_page, collisions): (Vec<Checked>, _) = rayon::join(
        || {
            site.pages
                .par_iter()
                .map(|page| check_page(page, &cx, keeping))
                .collect()
        },
        || {
            let mut out = Vec::new();
            signatures::check_site(&cx, &mut out);
            signatures::check_found(&cx, &mut out);
            out
        },
    );
    let mut page_diagnostics = Vec::with_capacity(per_page.len());
    let mut blocks = Vec::with_capacity(per_page.len());
    let mut names = Vec::with_capacity(per_page.len());
    for (found, page_blocks, name) in per_page {
        page_diagnostics.push(found);
        blocks.push(page_blocks);
        names.push(name);
    }
    diagnostics.extend(page_diagnostics.into_iter().flatten());
    quality::check_site(&cx, &blocks, &mut diagnostics);
    diagnostics.extend(collisions);
    apply_levels(&site.config.lints, &mut diagnostics);
    Diagnostic::sort(&mut diagnostics);
    let entries = names
        .into_iter()
        .zip(blocks)
        .filter_map(|(name, blocks)| {
            let (path, text) = name?;
            Some(kept::Entry { path, text, blocks })
        })
        .collect();
    (diagnostics, entries)
}

/// Every page rule on one page. The page-local rules read the page alone: a page they found
/// nothing on before, with the same text, is taken from `keeping` with its blocks; the rules
/// that read more than the page always run.
fn check_page(page: &Page, cx: &Context, keeping: &Keeping) -> Checked {
    let lints = &cx.site.config.lints;
    let mut out = Vec::new();
    evidence::check_page(page, cx, &mut out);
    links::check_page(page, cx, &mut out);
    apply_levels(lints, &mut out);
    let name = keeping
        .keep
        .then(|| (page.file.display_path(), kept::text_hash(page)));
    if let Some((path, text)) = &name
        && let Some(blocks) = keeping.previous.and_then(|p| p.blocks(path, *text))
    {
        return (out, blocks.to_vec(), name);
    }
    let mut local = Vec::new();
    structure::check_page(page, cx, &mut local);
    fixes::check_page(page, cx, &mut local);
    let blocks = quality::check_page(page, cx, &mut local);
    examples::check_page(page, cx, &mut local);
    signatures::check_page(page, cx, &mut local);
    // Allowed rules' findings go at once, not after every page's are kept.
    apply_levels(lints, &mut local);
    let keep = name.filter(|_| local.is_empty());
    out.append(&mut local);
    (out, blocks, keep)
}

/// The level `[lints]` gives a rule (`info`, as [`rules::find`] gives it), if it gives one
/// and the rule may be configured.
fn configured_level(
    lints: &std::collections::BTreeMap<String, String>,
    info: Option<&rules::RuleInfo>,
    rule: &str,
) -> Option<Level> {
    if lints.is_empty() {
        return None;
    }
    info.filter(|r| r.configurable)
        .and_then(|_| lints.get(rule))
        .and_then(|level| Level::parse(level))
}

/// Applies `[lints]`: changes severities and drops allowed rules.
pub fn apply_levels(
    lints: &std::collections::BTreeMap<String, String>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if lints.is_empty() {
        return;
    }
    diagnostics.retain_mut(
        |d| match configured_level(lints, rules::find(d.rule), d.rule) {
            Some(Level::Allow) => false,
            Some(Level::Report(severity)) => {
                d.severity = severity;
                true
            }
            None => true,
        },
    );
}
