//! Fix rules: every fix says what to change, and every cause has a fix.

use crate::check::Context;
use crate::check::quality::common;
use crate::check::text::{Word, fingerprint, fingerprint_lowercase, for_each_word};
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
    let mut scratch = Vec::new();
    let fix_terms: Vec<Terms> = fixes
        .items()
        .iter()
        .map(|fix| Terms::of(fix, &mut scratch))
        .collect();
    for cause in causes.items() {
        let terms = Terms::of(cause, &mut scratch);
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

/// What an item is about: its code spans, its sources, and its longer words, each as a
/// sorted set of hashes (a few dozen per item: sorted vectors beat hash sets here).
struct Terms {
    code: Vec<u64>,
    citations: Vec<u64>,
    words: Vec<u64>,
}

/// Words too common in troubleshooting text to tie a fix to a cause.
const STOP: &[&str] = &[
    "about", "after", "again", "because", "before", "being", "between", "cause", "could", "error",
    "every", "other", "their", "there", "these", "which", "while", "would", "should", "still",
    "request", "requests", "the", "when", "where", "without", "within",
];

/// The hashes of the [`STOP`] words.
const STOP_HASHES: [u64; STOP.len()] = {
    let mut hashes = [0; STOP.len()];
    let mut i = 0;
    while i < STOP.len() {
        hashes[i] = fingerprint(STOP[i]);
        i += 1;
    }
    hashes
};

impl Terms {
    /// `scratch` is reused between items to collect word hashes.
    fn of(item: &Item, scratch: &mut Vec<u64>) -> Terms {
        scratch.clear();
        let mut longer_word = |word: Word| {
            if word.len >= 5 && !STOP_HASHES.contains(&word.hash) {
                scratch.push(word.hash);
            }
        };
        for_each_word(item.title.as_deref().unwrap_or_default(), &mut longer_word);
        for_each_word(&item.text, &mut longer_word);
        Terms {
            code: sorted_set(
                item.code_spans
                    .iter()
                    .map(|c| fingerprint_lowercase(c.trim())),
            ),
            citations: sorted_set(item.citations.iter().map(|c| fingerprint(c))),
            words: sorted_set(scratch.drain(..)),
        }
    }

    /// A shared code span or source, or two shared longer words.
    fn shared_with(&self, other: &Terms) -> bool {
        common(&self.code, &other.code) > 0
            || common(&self.citations, &other.citations) > 0
            || common(&self.words, &other.words) >= 2
    }
}

fn sorted_set(hashes: impl Iterator<Item = u64>) -> Vec<u64> {
    let mut out: Vec<u64> = hashes.collect();
    out.sort_unstable();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(title: Option<&str>, text: &str, code: &[&str]) -> Item {
        Item {
            title: title.map(str::to_string),
            text: text.to_string(),
            code_spans: code.iter().map(|c| c.to_string()).collect(),
            ..Item::default()
        }
    }

    #[test]
    fn causes_and_fixes_meet_on_code_or_two_longer_words() {
        let mut scratch = Vec::new();
        let cause = Terms::of(
            &item(
                None,
                "The `RPM_limit ` of the deployment is too low for bursts.",
                &["RPM_limit "],
            ),
            &mut scratch,
        );
        let by_code = Terms::of(
            &item(Some("Raise it"), "Set it higher.", &["rpm_limit"]),
            &mut scratch,
        );
        let by_words = Terms::of(
            &item(Some("Deployment"), "Allow BURSTS.", &[]),
            &mut scratch,
        );
        let one_word = Terms::of(&item(Some("Deployment"), "Restart it.", &[]), &mut scratch);
        // The title and the text are separate words, not glued together.
        let glued = Terms::of(&item(Some("deploy"), "ment bursts", &[]), &mut scratch);
        assert!(cause.shared_with(&by_code));
        assert!(cause.shared_with(&by_words));
        assert!(!cause.shared_with(&one_word));
        assert!(!cause.shared_with(&glued));
    }
}
