//! Fix rules: every fix says what to change, and every cause has a fix.

use std::collections::HashSet;

use crate::check::{Context, fingerprint, normalize};
use crate::content::Page;
use crate::content::markdown::{Item, SectionKind};
use crate::diagnostic::Diagnostic;

pub fn check_page(page: &Page, cx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(fixes) = page.body.section(SectionKind::Fixes) else {
        return;
    };
    for fix in fixes.items() {
        if !fix.has_code {
            let what = match fix.title.as_deref() {
                Some(title) => title.to_string(),
                None => excerpt(&fix.text),
            };
            out.push(
                cx.report("fix-without-action", page, fix.span.clone(), format!("the fix `{what}` names no command, setting or config change"))
                    .with_help("show the concrete change: the command, the config key and value, or a fenced example"),
            );
        }
    }
    let Some(causes) = page.body.section(SectionKind::Causes) else {
        return;
    };
    let fix_terms: Vec<Terms> = fixes.items().iter().map(Terms::of).collect();
    for cause in causes.items() {
        let terms = Terms::of(cause);
        if !fix_terms.iter().any(|f| terms.shared_with(f)) {
            out.push(
                cx.report("cause-without-fix", page, cause.span.clone(), "no fix on the page addresses this cause")
                    .with_help("add a fix that names what this cause is about (its setting, command or error), or merge the cause into another"),
            );
        }
    }
}

/// The first words of a text, for naming an untitled item in a message.
fn excerpt(text: &str) -> String {
    const WORDS: usize = 6;
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.len() <= WORDS {
        words.join(" ")
    } else {
        format!("{} …", words[..WORDS].join(" "))
    }
}

/// What an item is about: its code spans, its sources, and its longer words.
struct Terms {
    code: HashSet<u64>,
    citations: HashSet<u64>,
    words: HashSet<u64>,
}

/// Words too common in troubleshooting text to tie a fix to a cause.
const STOP: &[&str] = &[
    "about", "after", "again", "because", "before", "being", "between", "cause", "could", "error",
    "every", "other", "their", "there", "these", "which", "while", "would", "should", "still",
    "request", "requests", "the", "when", "where", "without", "within",
];

impl Terms {
    fn of(item: &Item) -> Terms {
        let text = format!(
            "{} {}",
            item.title.as_deref().unwrap_or_default(),
            item.text
        );
        Terms {
            code: item
                .code_spans
                .iter()
                .map(|c| fingerprint(&c.trim().to_lowercase()))
                .collect(),
            citations: item.citations.iter().map(|c| fingerprint(c)).collect(),
            words: normalize(&text)
                .split(' ')
                .filter(|w| w.len() >= 5 && !STOP.contains(w))
                .map(fingerprint)
                .collect(),
        }
    }

    /// A shared code span or source, or two shared longer words.
    fn shared_with(&self, other: &Terms) -> bool {
        !self.code.is_disjoint(&other.code)
            || !self.citations.is_disjoint(&other.citations)
            || self.words.intersection(&other.words).count() >= 2
    }
}
