//! Signature matching: every page's literal and regex signatures against pasted text, with a
//! key term per signature so a query only tries the signatures whose key term it contains.
//!
//! Semantics (mirrored by `static/js/search.js`):
//! - A literal matches case-insensitively, with runs of whitespace counted as one space, and
//!   only at word edges: `Error` does not match inside `RateLimitError2`.
//! - A regex matches case-insensitively anywhere in the text (line ends normalised to `\n`), so
//!   its variable parts (`\S+`, `\d+`) absorb model names, numbers and ids.
//! - Specificity is the number of characters a match must contain literally; the most
//!   specific matching signature of a page is the page's signature hit.

use std::sync::OnceLock;

use regex_syntax::hir::{Hir, HirKind, Look};
use serde::{Deserialize, Serialize};

use super::analyzer::{MAX_TOKEN_CHARS, STOPWORDS, analyze};
use crate::content::Signature;

/// Regexes from pages are compiled with these limits so one bad page cannot stall a search.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// One page's signature, ready to match.
#[derive(Debug, Serialize, Deserialize)]
pub struct SignatureEntry {
    /// Index of the page in the site (and the document number in the index).
    pub page: usize,
    pub regex: bool,
    /// As the author wrote it.
    pub pattern: String,
    pub specificity: u32,
    /// A token that every text this signature matches contains; `None` when there is none, and
    /// the signature is then tried on every query.
    pub key: Option<String>,
    #[serde(skip)]
    compiled: OnceLock<Option<regex::Regex>>,
}

impl SignatureEntry {
    /// Prepares a signature; `doc_freq` picks the rarest of the possible key terms, so a common
    /// word never drags thousands of signatures into one browser shard.
    pub fn new(page: usize, signature: &Signature, doc_freq: impl Fn(&str) -> u64) -> Self {
        let (regex, pattern) = match signature {
            Signature::Literal(s) => (false, s.clone()),
            Signature::Regex { pattern, .. } => (true, pattern.clone()),
        };
        let (specificity, candidates) = if regex {
            regex_parts(&pattern)
        } else {
            literal_parts(&pattern)
        };
        let key = candidates
            .into_iter()
            .min_by(|a, b| doc_freq(a).cmp(&doc_freq(b)).then_with(|| a.cmp(b)));
        SignatureEntry {
            page,
            regex,
            pattern,
            specificity,
            key,
            compiled: OnceLock::new(),
        }
    }

    /// Whether the signature matches the prepared text.
    pub fn matches(&self, text: &MatchText) -> bool {
        if self.regex {
            let compiled = self.compiled.get_or_init(|| compile(&self.pattern));
            compiled.as_ref().is_some_and(|re| text.regex_matches(re))
        } else {
            literal_matches(&normalize_space(&self.pattern.to_lowercase()), &text.flat)
        }
    }
}

/// A regex signature compiled as search matches it (case-insensitive, size-limited); `None`
/// when it does not compile.
pub fn compile(pattern: &str) -> Option<regex::Regex> {
    regex::RegexBuilder::new(pattern)
        .case_insensitive(true)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
        .ok()
}

/// Pasted text, prepared once for every signature.
pub struct MatchText {
    /// Line ends as `\n`, for regexes.
    lines: String,
    /// Lowercased, whitespace runs as one space, for literals.
    flat: String,
}

impl MatchText {
    pub fn new(text: &str) -> Self {
        MatchText {
            lines: text.replace("\r\n", "\n"),
            flat: normalize_space(&text.to_lowercase()),
        }
    }

    /// Whether a compiled regex signature matches the text.
    pub fn regex_matches(&self, re: &regex::Regex) -> bool {
        re.is_match(&self.lines)
    }
}

fn normalize_space(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric()
}

/// `needle` occurs in `haystack` with no word character glued to either end of it.
fn literal_matches(needle: &str, haystack: &str) -> bool {
    if needle.is_empty() {
        return false;
    }
    let starts_word = needle.chars().next().is_some_and(is_word);
    let ends_word = needle.chars().next_back().is_some_and(is_word);
    let mut from = 0;
    while let Some(found) = haystack[from..].find(needle) {
        let at = from + found;
        let end = at + needle.len();
        let before_ok = !starts_word || !haystack[..at].chars().next_back().is_some_and(is_word);
        let after_ok = !ends_word || !haystack[end..].chars().next().is_some_and(is_word);
        if before_ok && after_ok {
            return true;
        }
        from = at + haystack[at..].chars().next().map_or(1, char::len_utf8);
    }
    false
}

/// Specificity and possible key terms of a literal: every word run is bounded (by the literal's
/// own punctuation, or by the word-edge rule at its ends).
fn literal_parts(literal: &str) -> (u32, Vec<String>) {
    let specificity = literal.chars().filter(|c| !c.is_whitespace()).count() as u32;
    (specificity, bounded_terms(literal, true, true))
}

/// The analyzer token of each word run in `run` that has a non-word character (or a known
/// edge) on both sides, so any text containing `run` yields that token too.
fn bounded_terms(run: &str, start_bounded: bool, end_bounded: bool) -> Vec<String> {
    let chars: Vec<char> = run.chars().collect();
    let mut terms = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !is_word(chars[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && is_word(chars[i]) {
            i += 1;
        }
        let left = if start == 0 { start_bounded } else { true };
        let right = if i == chars.len() { end_bounded } else { true };
        if !(left && right) || i - start > MAX_TOKEN_CHARS {
            continue;
        }
        let segment: String = chars[start..i].iter().collect();
        // The whole segment is the analyzer's first token for a lone word run.
        if let Some(token) = analyze(&segment).into_iter().next()
            && !STOPWORDS.contains(&token.as_str())
            && token.chars().count() == i - start
        {
            terms.push(token);
        }
    }
    terms
}

/// One element of a regex's top-level sequence.
enum Piece {
    Literal(String),
    /// An anchor or word boundary: the text has an edge here.
    Edge,
    /// Anything that matches variable text.
    Variable,
}

/// Specificity and possible key terms of a regex, from its syntax tree. A regex that does not
/// parse gets neither (the check reports it; search just never keys it).
fn regex_parts(pattern: &str) -> (u32, Vec<String>) {
    let Ok(hir) = regex_syntax::Parser::new().parse(pattern) else {
        return (0, Vec::new());
    };
    let specificity = required_literal_chars(&hir);
    let mut pieces = Vec::new();
    flatten(&hir, &mut pieces);
    let mut terms = Vec::new();
    let mut i = 0;
    while i < pieces.len() {
        if let Piece::Literal(_) = pieces[i] {
            let mut run = String::new();
            let start_bounded = i > 0 && matches!(pieces[i - 1], Piece::Edge);
            while let Some(Piece::Literal(s)) = pieces.get(i) {
                run.push_str(s);
                i += 1;
            }
            let end_bounded = matches!(pieces.get(i), Some(Piece::Edge));
            terms.extend(bounded_terms(&run, start_bounded, end_bounded));
        } else {
            i += 1;
        }
    }
    (specificity, terms)
}

fn flatten(hir: &Hir, out: &mut Vec<Piece>) {
    match hir.kind() {
        HirKind::Literal(lit) => out.push(Piece::Literal(String::from_utf8_lossy(&lit.0).into())),
        HirKind::Concat(parts) => parts.iter().for_each(|p| flatten(p, out)),
        HirKind::Capture(cap) => flatten(&cap.sub, out),
        HirKind::Look(look) => out.push(match look {
            Look::Start
            | Look::End
            | Look::StartLF
            | Look::EndLF
            | Look::StartCRLF
            | Look::EndCRLF
            | Look::WordAscii
            | Look::WordUnicode => Piece::Edge,
            _ => Piece::Variable,
        }),
        HirKind::Empty => {}
        _ => out.push(Piece::Variable),
    }
}

/// How many characters any match must contain literally.
fn required_literal_chars(hir: &Hir) -> u32 {
    match hir.kind() {
        HirKind::Literal(lit) => String::from_utf8_lossy(&lit.0)
            .chars()
            .filter(|c| !c.is_whitespace())
            .count() as u32,
        HirKind::Concat(parts) => parts.iter().map(required_literal_chars).sum(),
        HirKind::Capture(cap) => required_literal_chars(&cap.sub),
        HirKind::Alternation(branches) => branches
            .iter()
            .map(required_literal_chars)
            .min()
            .unwrap_or(0),
        HirKind::Repetition(rep) if rep.min > 0 => required_literal_chars(&rep.sub),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(sig: Signature) -> SignatureEntry {
        SignatureEntry::new(0, &sig, |t| t.len() as u64)
    }

    fn lit(s: &str) -> SignatureEntry {
        entry(Signature::Literal(s.into()))
    }

    fn re(s: &str) -> SignatureEntry {
        entry(Signature::regex(s))
    }

    #[test]
    fn literals_match_case_and_space_insensitively_at_word_edges() {
        let sig = lit("litellm.RateLimitError");
        assert!(sig.matches(&MatchText::new("raise litellm.ratelimiterror: boom")));
        assert!(!sig.matches(&MatchText::new("litellm.RateLimitErrors")));
        let sig = lit("No deployments available");
        assert!(sig.matches(&MatchText::new("No deployments\n   available for model")));
    }

    #[test]
    fn regex_variable_parts_absorb_model_names_and_numbers() {
        // litellm.md §5: the router's cooldown message, with this reader's model and wait.
        let sig = re(r"No deployments available for selected model, Try again in \d+ seconds");
        let pasted = "litellm.RateLimitError: No deployments available for selected model, \
                      Try again in 17 seconds. Passed model=my-gpt-4o";
        assert!(sig.matches(&MatchText::new(pasted)));
        assert!(!sig.matches(&MatchText::new(
            "No deployments available for selected model"
        )));
    }

    #[test]
    fn key_terms_are_words_every_match_contains() {
        let sig = re(r"No deployments available for selected model, Try again in \d+ seconds");
        // `no` touches the regex's unanchored start and `seconds` its unanchored end: a text
        // may glue letters to either, so neither is certain to be a token of the text.
        let (_, terms) = regex_parts(&sig.pattern);
        assert!(terms.contains(&"deployments".to_string()), "{terms:?}");
        assert!(!terms.contains(&"no".to_string()), "{terms:?}");
        assert!(!terms.contains(&"seconds".to_string()), "{terms:?}");
        assert!(
            regex_parts(r"^Error code: \d+$")
                .1
                .contains(&"error".to_string())
        );
        // The chosen key is the rarest candidate (here: the shortest, by the test's df).
        assert!(sig.key.is_some());
        let (_, terms) = literal_parts("litellm.RateLimitError");
        assert_eq!(terms, ["litellm", "ratelimiterror"]);
    }

    #[test]
    fn a_regex_of_only_variable_parts_has_no_key() {
        assert_eq!(re(r"\d{3} \w+").key, None);
    }

    #[test]
    fn specificity_counts_required_literal_characters() {
        assert_eq!(lit("Rate limit").specificity, 9);
        assert_eq!(re(r"Rate limit \d+").specificity, 9);
        assert_eq!(re(r"(?:ab|abcd)x?y").specificity, 3);
    }

    #[test]
    fn a_broken_regex_never_matches_and_never_panics() {
        let sig = re(r"unclosed (group");
        assert!(!sig.matches(&MatchText::new("unclosed (group")));
    }
}
