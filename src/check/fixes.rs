//! Fix rules: every fix names something specific to change, and every cause has a fix.

use crate::check::quality::common;
use crate::check::text::{fingerprint, fingerprint_lowercase};
use crate::check::{Context, advice};
use crate::content::Page;
use crate::content::markdown::{Item, SectionKind};
use crate::diagnostic::Diagnostic;

pub fn check_page(page: &Page, cx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(fixes) = page.body.section(SectionKind::Fixes) else {
        return;
    };
    for fix in fixes.items() {
        if !advice::is_specific(fix, page) {
            let what = match fix.title.as_deref() {
                Some(title) => title.to_string(),
                None => excerpt(&fix.text),
            };
            out.push(
                cx.report("fix-without-action", page, fix.span.clone(), format!("the fix `{what}` is generic advice: it names nothing specific to this error"))
                    .with_help("name what to change: the setting, command, file, port, version or product feature; advice that fits any error (check the configuration, retry later, contact support) does not"),
            );
        }
    }
    let Some(causes) = page.body.section(SectionKind::Causes) else {
        return;
    };
    let mut scratch = Vec::new();
    let tool = page.tool.to_lowercase();
    let fix_terms: Vec<Terms> = fixes
        .items()
        .iter()
        .map(|fix| Terms::of(fix, &tool, &mut scratch))
        .collect();
    for cause in causes.items() {
        let terms = Terms::of(cause, &tool, &mut scratch);
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

impl Terms {
    /// `scratch` is reused between items to collect word hashes.
    fn of(item: &Item, tool: &str, scratch: &mut Vec<u64>) -> Terms {
        scratch.clear();
        let mut word = String::new();
        for text in [item.title.as_deref().unwrap_or_default(), &item.text] {
            // The title and the text are separate words, never glued together.
            advice::any_lowercase_word(text, &mut word, |word| {
                if let Some(stem) = advice::distinctive_stem(word, tool) {
                    scratch.push(fingerprint(stem));
                }
                false
            });
        }
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

    /// A shared code span or source, or a shared distinctive word (`window`, `webhook`,
    /// `requirements`): generic advice and function words never tie a fix to a cause.
    fn shared_with(&self, other: &Terms) -> bool {
        common(&self.code, &other.code) > 0
            || common(&self.citations, &other.citations) > 0
            || common(&self.words, &other.words) > 0
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
            title: title.map(Box::from),
            text: text.into(),
            code_spans: code.iter().map(|c| c.to_string()).collect(),
            ..Item::default()
        }
    }

    #[test]
    fn causes_and_fixes_meet_on_code_or_a_distinctive_word() {
        let mut scratch = Vec::new();
        let mut terms =
            |title, text, code: &[&str]| Terms::of(&item(title, text, code), "demo", &mut scratch);
        let cause = terms(
            None,
            "The `RPM_limit ` of the deployment is too low for bursts of nested calls.",
            &["RPM_limit "],
        );
        let by_code = terms(Some("Raise it"), "Set it higher.", &["rpm_limit"]);
        let by_word = terms(Some("Deployment"), "Allow BURSTS.", &[]);
        let by_inflection = terms(None, "Stop nesting them.", &[]);
        // Generic advice and the tool's name tie nothing.
        let generic = terms(
            Some("Deployment"),
            "Restart the demo and check the configuration.",
            &[],
        );
        // The title and the text are separate words, not glued together.
        let glued = terms(Some("bur"), "sts", &[]);
        assert!(cause.shared_with(&by_code));
        assert!(cause.shared_with(&by_word));
        assert!(cause.shared_with(&by_inflection));
        assert!(!cause.shared_with(&generic));
        assert!(!cause.shared_with(&glued));
    }
}
