//! Signature matching: every page's literal and regex signatures against pasted text, with a
//! key term per signature so a query only tries the signatures whose key term it contains.
//!
//! Semantics (mirrored by `static/js/search.js`):
//! - The paste is normalized first ([`super::normalize`]) and a signature matches when it
//!   matches any of the normalized forms (line breaks kept, line breaks as spaces, terminal
//!   wraps joined).
//! - A literal is normalized the same way and matches case-insensitively, with runs of
//!   whitespace counted as one space, and only at word edges: `Error` does not match inside
//!   `RateLimitError2`.
//! - A regex matches case-insensitively anywhere in a form, so its variable parts (`\S+`,
//!   `\d+`) absorb model names, numbers and ids. Before it runs, the literal runs every match
//!   must contain are looked for in the lowercased form (most candidates stop there).
//! - A paste that ends inside a signature's message matches it partially ([`super::partial`]).
//! - Specificity is the number of characters a match must contain literally; the most
//!   specific matching signature of a page is the page's signature hit.

use std::sync::OnceLock;

use rayon::prelude::*;
use regex_syntax::hir::{Hir, HirKind, Look};
use serde::{Deserialize, Serialize};

use super::analyzer::{MAX_TOKEN_CHARS, TokenSet, analyze, distinct_tokens, is_stopword};
use super::normalize::{Normalized, PARALLEL_BYTES, lowercase, normalize};
use super::partial;
use crate::content::Signature;

/// Regexes from pages are compiled with these limits so one bad page cannot stall a search.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// How a page matched a paste, strongest first when compared: by a signature, partially by a
/// signature (the paste is cut off inside it), or by its words only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Match {
    Words,
    Partial,
    Signature,
}

impl Match {
    pub fn name(self) -> &'static str {
        match self {
            Match::Words => "words",
            Match::Partial => "partial",
            Match::Signature => "signature",
        }
    }
}

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
    /// Lowercased literal runs every match of a regex contains, in no particular order.
    #[serde(default)]
    pub runs: Vec<String>,
    /// The regex that matches a paste cut off inside this regex's message.
    #[serde(default)]
    pub partial: Option<String>,
    /// The literal start of the partial pattern, lowercased: a tail without it cannot match.
    #[serde(default)]
    pub lead: String,
    /// Every token any text this signature matches contains (the key among them): a paste
    /// without one of them is not tried.
    #[serde(default)]
    pub terms: Vec<String>,
    #[serde(skip)]
    compiled: OnceLock<Option<regex::Regex>>,
    #[serde(skip)]
    compiled_partial: OnceLock<Option<regex::Regex>>,
    /// A literal, normalized and lowercased.
    #[serde(skip)]
    needle: OnceLock<String>,
}

/// What preparing a signature finds in it before a key is chosen: how specific it is, the
/// words every text it matches contains (the key candidates), and for a regex its literal runs
/// and the pattern (with its literal lead) that matches a paste cut off inside its message.
/// It depends on the signature alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    pub specificity: u32,
    pub candidates: Vec<String>,
    pub runs: Vec<String>,
    pub partial: Option<(String, String)>,
}

impl Prepared {
    pub fn of(signature: &Signature) -> Prepared {
        let (entry, candidates) = SignatureEntry::unkeyed(0, signature);
        let partial = if entry.regex {
            partial::partial_pattern(&entry.pattern)
        } else {
            None
        };
        Prepared {
            specificity: entry.specificity,
            candidates,
            runs: entry.runs,
            partial,
        }
    }
}

impl SignatureEntry {
    /// Prepares a signature; `doc_freq` picks the rarest of the possible key terms, so a common
    /// word never drags thousands of signatures into one browser shard.
    pub fn new(page: usize, signature: &Signature, doc_freq: impl Fn(&str) -> u64) -> Self {
        Self::prepared(page, signature, Prepared::of(signature), doc_freq)
    }

    /// [`SignatureEntry::new`] from what preparing the signature found (which depends on the
    /// signature alone, so a build may keep it for the next).
    pub fn prepared(
        page: usize,
        signature: &Signature,
        prepared: Prepared,
        doc_freq: impl Fn(&str) -> u64,
    ) -> Self {
        let Prepared {
            specificity,
            candidates: mut terms,
            runs,
            partial,
        } = prepared;
        // Each candidate's page count is looked up once; a tie goes to the term that sorts
        // first.
        let key = terms
            .iter()
            .map(|term| (doc_freq(term), term))
            .min()
            .map(|(_, term)| term.clone());
        terms.sort();
        terms.dedup();
        let (partial, lead) = match partial {
            Some((pattern, lead)) => (Some(pattern), lead),
            None => (None, String::new()),
        };
        SignatureEntry {
            page,
            regex: signature.is_regex(),
            pattern: signature.text().to_string(),
            specificity,
            key,
            runs,
            partial,
            lead,
            terms,
            compiled: OnceLock::new(),
            compiled_partial: OnceLock::new(),
            needle: OnceLock::new(),
        }
    }

    /// A signature prepared for full matches only (no partial pattern), as `check` uses it.
    pub fn matcher(page: usize, signature: &Signature, doc_freq: impl Fn(&str) -> u64) -> Self {
        let (mut entry, candidates) = Self::unkeyed(page, signature);
        entry.key = candidates
            .into_iter()
            .min_by(|a, b| doc_freq(a).cmp(&doc_freq(b)).then_with(|| a.cmp(b)));
        entry
    }

    /// A signature prepared for full matches, without a key yet, and its possible key terms:
    /// words every text it matches contains.
    pub fn unkeyed(page: usize, signature: &Signature) -> (Self, Vec<String>) {
        let regex = signature.is_regex();
        let pattern = signature.text().to_string();
        let needle = OnceLock::new();
        let (specificity, candidates, runs) = if regex {
            regex_parts(&pattern)
        } else {
            let spaced = normalize(&pattern).spaced;
            let (specificity, candidates) = literal_parts(&pattern, &spaced);
            let _ = needle.set(spaced.to_lowercase());
            (specificity, candidates, Vec::new())
        };
        let entry = SignatureEntry {
            page,
            regex,
            pattern,
            specificity,
            key: None,
            runs,
            partial: None,
            lead: String::new(),
            terms: Vec::new(),
            compiled: OnceLock::new(),
            compiled_partial: OnceLock::new(),
            needle,
        };
        (entry, candidates)
    }

    /// Whether the signature matches the prepared text in full (partial matches aside).
    pub fn matches_fully(&self, text: &MatchText) -> bool {
        if self.regex {
            self.regex_matches_fully(text)
        } else {
            let needle = self.needle();
            text.literal_forms()
                .any(|form| literal_matches(needle, form))
        }
    }

    /// How the signature matches the prepared text, if it does.
    pub fn matches(&self, text: &MatchText) -> Option<Match> {
        if self.regex {
            self.regex_matches(text)
        } else {
            let needle = self.needle();
            if text
                .literal_forms()
                .any(|form| literal_matches(needle, form))
            {
                Some(Match::Signature)
            } else if self.literal_partial(text) {
                Some(Match::Partial)
            } else {
                None
            }
        }
    }

    fn regex_matches_fully(&self, text: &MatchText) -> bool {
        // Runs hold no whitespace, so `lines` and `spaced` hold the same ones; `joined` may hold
        // more (words a wrap cut), never fewer. One look in `lines`, then in `joined` if need be.
        let has_runs = |form: usize| self.runs.iter().all(|run| text.holds(form, run));
        let in_lines = has_runs(0);
        let in_joined = in_lines || (text.lower.len() > 2 && has_runs(2));
        let mut compiled = None;
        for (n, (form, _)) in text.forms().enumerate() {
            if !(if n < 2 { in_lines } else { in_joined }) {
                continue;
            }
            let re = compiled
                .get_or_insert_with(|| self.compiled.get_or_init(|| compile(&self.pattern)));
            if re.as_ref().is_some_and(|re| re.is_match(form)) {
                return true;
            }
        }
        false
    }

    fn regex_matches(&self, text: &MatchText) -> Option<Match> {
        if self.regex_matches_fully(text) {
            return Some(Match::Signature);
        }
        self.partial_matches(text).then_some(Match::Partial)
    }

    /// Whether the paste ends inside this regex's message: a tail holds the literal start and
    /// the partial pattern matches it.
    fn partial_matches(&self, text: &MatchText) -> bool {
        let Some(partial) = self.partial.as_deref() else {
            return false;
        };
        let with_lead = |&(_, lower): &(&str, &str)| lower.contains(self.lead.as_str());
        if !text.tails_with_lower().any(|t| with_lead(&t)) {
            return false;
        }
        let Some(re) = self.compiled_partial.get_or_init(|| compile(partial)) else {
            return false;
        };
        text.tails_with_lower()
            .any(|t| with_lead(&t) && re.is_match(t.0))
    }

    /// Whether a literal's start, then a prefix of it, ends a tail.
    fn literal_partial(&self, text: &MatchText) -> bool {
        let needle = self.needle();
        let lead: String = needle.chars().take(partial::MIN_LEAD_CHARS).collect();
        text.literal_tails()
            .any(|tail| tail.contains(lead.as_str()) && partial::literal_partial(needle, tail))
    }

    /// Whether the paste is cut off inside this signature's message (no full match is tried).
    pub fn matches_partially(&self, text: &MatchText) -> Option<Match> {
        let partial = if self.regex {
            self.partial_matches(text)
        } else {
            self.literal_partial(text)
        };
        partial.then_some(Match::Partial)
    }

    /// A literal signature as it is compared: normalized like a paste, lowercased.
    fn needle(&self) -> &str {
        self.needle
            .get_or_init(|| normalize(&self.pattern).spaced.to_lowercase())
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

/// Pasted text, normalized and prepared once for every signature.
pub struct MatchText {
    normalized: Normalized,
    /// Each form lowercased, in the order of [`Normalized::forms`].
    lower: Vec<String>,
    /// The end of each form, cut markers trimmed: where a cut-off message ends.
    tails: Vec<String>,
    /// The tails lowercased.
    lower_tails: Vec<String>,
    /// Whether each lowercased form holds a literal run, remembered: signatures share runs.
    held: Vec<std::sync::Mutex<std::collections::HashMap<String, bool>>>,
    /// The distinct lines of `lines`, and lowercased. A log repeats its lines (their prefixes
    /// are gone once normalized): tokens and literal runs, which hold no line break, are
    /// looked for in each distinct line once.
    distinct: OnceLock<(String, String)>,
}

impl MatchText {
    pub fn new(text: &str) -> Self {
        Self::from_normalized(normalize(text))
    }

    /// Prepared for full matches only (no tails for partial ones), as `check` tries texts.
    pub fn for_full_matches(text: &str) -> Self {
        let normalized = normalize(text);
        let lower: Vec<String> = normalized.forms().map(lowercase).collect();
        MatchText {
            held: held_for(&lower),
            normalized,
            lower,
            tails: Vec::new(),
            lower_tails: Vec::new(),
            distinct: OnceLock::new(),
        }
    }

    pub fn from_normalized(normalized: Normalized) -> Self {
        let forms: Vec<&str> = normalized.forms().collect();
        let lower: Vec<String> = forms.par_iter().map(|f| lowercase(f)).collect();
        let tails: Vec<String> = normalized
            .forms()
            .map(|f| partial::tail(partial::trim_cut(f)).to_string())
            .collect();
        let lower_tails = tails.iter().map(|t| t.to_lowercase()).collect();
        MatchText {
            held: held_for(&lower),
            normalized,
            lower,
            tails,
            lower_tails,
            distinct: OnceLock::new(),
        }
    }

    pub fn normalized(&self) -> &Normalized {
        &self.normalized
    }

    /// Every distinct token of the paste in any of its forms: those of its lines, and those
    /// a terminal wrap joined (only the text around each junction differs between forms).
    pub fn tokens(&self) -> TokenSet {
        let lines = &self.distinct().0;
        let mut tokens = if lines.len() > PARALLEL_BYTES {
            // In chunks of whole lines (no token spans a line break), merged.
            let mut chunks = Vec::new();
            let mut start = 0;
            while start < lines.len() {
                let mut end = (start + PARALLEL_BYTES).min(lines.len());
                end = lines[end..].find('\n').map_or(lines.len(), |i| end + i);
                chunks.push(&lines[start..end]);
                start = end + 1;
            }
            chunks
                .par_iter()
                .map(|chunk| {
                    let mut set = TokenSet::default();
                    distinct_tokens(chunk, &mut set);
                    set
                })
                .reduce(TokenSet::default, |mut a, b| {
                    a.extend(b);
                    a
                })
        } else {
            let mut set = TokenSet::default();
            distinct_tokens(lines, &mut set);
            set
        };
        if let Some(joined) = &self.normalized.joined {
            let around = |c: char| c.is_alphanumeric() || matches!(c, '.' | ':' | '/' | '_' | '-');
            for &at in &self.normalized.junctions {
                let start = joined[..at]
                    .char_indices()
                    .rev()
                    .take_while(|&(_, c)| around(c))
                    .last()
                    .map_or(at, |(i, _)| i);
                let end = joined[at..]
                    .char_indices()
                    .find(|&(_, c)| !around(c))
                    .map_or(joined.len(), |(i, _)| at + i);
                distinct_tokens(&joined[start..end], &mut tokens);
            }
        }
        tokens
    }

    /// Whether the lowercased form `form` holds `run`.
    fn holds(&self, form: usize, run: &str) -> bool {
        let mut held = self.held[form].lock().unwrap_or_else(|e| e.into_inner());
        if let Some(&known) = held.get(run) {
            return known;
        }
        let found = if form == 0 {
            self.distinct().1.contains(run)
        } else {
            self.lower[form].contains(run)
        };
        held.insert(run.to_string(), found);
        found
    }

    fn distinct(&self) -> &(String, String) {
        self.distinct.get_or_init(|| {
            let mut seen = std::collections::HashSet::new();
            let mut lines = String::with_capacity(self.normalized.lines.len());
            for line in self.normalized.lines.split('\n') {
                if seen.insert(line) {
                    if seen.len() > 1 {
                        lines.push('\n');
                    }
                    lines.push_str(line);
                }
            }
            let lower = lowercase(&lines);
            (lines, lower)
        })
    }

    /// Each form with its lowercased copy.
    fn forms(&self) -> impl Iterator<Item = (&str, &str)> {
        self.normalized
            .forms()
            .zip(self.lower.iter().map(String::as_str))
    }

    /// The lowercased forms literals are compared with: all but `lines` (a literal's spaces
    /// stand for any whitespace, line breaks included).
    fn literal_forms(&self) -> impl Iterator<Item = &str> {
        self.lower.iter().skip(1).map(String::as_str)
    }

    /// Each tail with its lowercased copy.
    fn tails_with_lower(&self) -> impl Iterator<Item = (&str, &str)> {
        self.tails
            .iter()
            .map(String::as_str)
            .zip(self.lower_tails.iter().map(String::as_str))
    }

    fn literal_tails(&self) -> impl Iterator<Item = &str> {
        self.lower_tails.iter().skip(1).map(String::as_str)
    }

    /// Whether a compiled regex signature matches any form of the text.
    pub fn regex_matches(&self, re: &regex::Regex) -> bool {
        self.normalized.forms().any(|form| re.is_match(form))
    }
}

fn held_for(lower: &[String]) -> Vec<std::sync::Mutex<std::collections::HashMap<String, bool>>> {
    lower.iter().map(|_| Default::default()).collect()
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
/// own punctuation, or by the word-edge rule at its ends). Terms come from the literal as it is
/// compared, normalized like a paste.
fn literal_parts(literal: &str, normalized: &str) -> (u32, Vec<String>) {
    let specificity = literal.chars().filter(|c| !c.is_whitespace()).count() as u32;
    (specificity, bounded_terms(normalized, true, true))
}

/// The lowercased literal runs of a regex's top-level pieces, split at whitespace: text every
/// match contains (case aside), so a form without one of them cannot match.
fn literal_runs(pieces: &[Piece]) -> Vec<String> {
    let mut runs: Vec<String> = pieces
        .iter()
        .filter_map(|p| match p {
            Piece::Literal(s) => Some(s.to_lowercase()),
            _ => None,
        })
        .flat_map(|s| {
            s.split(|c| super::normalize::is_space(c) || c == '\n')
                .filter(|w| w.chars().count() >= 2)
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    runs.sort_by_key(|r| std::cmp::Reverse(r.len()));
    runs.dedup();
    runs
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
            && !is_stopword(&token)
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

/// Specificity, possible key terms and literal runs of a regex, from its syntax tree. A regex
/// that does not parse gets none of them (the check reports it; search just never keys it).
fn regex_parts(pattern: &str) -> (u32, Vec<String>, Vec<String>) {
    // Without Unicode classes the tree is the same where it matters here (literals, required
    // runs) and far cheaper to build: `\w` and `\S` stay small. Patterns that need Unicode
    // (`\p{L}`) are parsed with it.
    let ascii = regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(pattern);
    let Ok(hir) = ascii.or_else(|_| regex_syntax::Parser::new().parse(pattern)) else {
        return (0, Vec::new(), Vec::new());
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
    (specificity, terms, literal_runs(&pieces))
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
        assert!(
            sig.matches(&MatchText::new("raise litellm.ratelimiterror: boom"))
                .is_some()
        );
        assert!(
            sig.matches(&MatchText::new("litellm.RateLimitErrors"))
                .is_none()
        );
        let sig = lit("No deployments available");
        assert!(
            sig.matches(&MatchText::new("No deployments\n   available for model"))
                .is_some()
        );
    }

    #[test]
    fn regex_variable_parts_absorb_model_names_and_numbers() {
        // litellm.md §5: the router's cooldown message, with this reader's model and wait.
        let sig = re(r"No deployments available for selected model, Try again in \d+ seconds");
        let pasted = "litellm.RateLimitError: No deployments available for selected model, \
                      Try again in 17 seconds. Passed model=my-gpt-4o";
        assert_eq!(sig.matches(&MatchText::new(pasted)), Some(Match::Signature));
        assert!(
            sig.matches(&MatchText::new(
                "No deployments available for selected model"
            ))
            .is_none()
        );
        // Cut off after the literal start: a partial match.
        assert_eq!(
            sig.matches(&MatchText::new(
                "No deployments available for selected model, Try again in 1"
            )),
            Some(Match::Partial)
        );
    }

    #[test]
    fn key_terms_are_words_every_match_contains() {
        let sig = re(r"No deployments available for selected model, Try again in \d+ seconds");
        // `no` touches the regex's unanchored start and `seconds` its unanchored end: a text
        // may glue letters to either, so neither is certain to be a token of the text.
        let (_, terms, _) = regex_parts(&sig.pattern);
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
        let (_, terms) = literal_parts("litellm.RateLimitError", "litellm.RateLimitError");
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
    fn paste_tokens_are_those_of_every_form() {
        for text in [
            "a line long enough to be a terminal wrap, ending in litellm.Rate\nLimitError: sec\nonds",
            "short\nlines only",
            "a line long enough to be a terminal wrap, ending in a very long pa\nth/to/a_file.py and more text that wraps agai\nn-and-again",
            // Repeated lines (read once) around the one that differs.
            "retrying\nretrying\n\nlitellm.RateLimitError: boom\nretrying\n\n",
        ] {
            let prepared = MatchText::new(text);
            let n = prepared.normalized();
            let mut every = TokenSet::default();
            for form in n.forms() {
                distinct_tokens(form, &mut every);
            }
            assert_eq!(prepared.tokens(), every, "{text}");
        }
    }

    #[test]
    fn a_log_repeating_its_lines_matches_like_its_distinct_lines() {
        let sig = re(r"Try again in \d+ seconds\. Passed model=\S+");
        let line = "12:00:01 - LiteLLM Router:INFO: router.py:1 - retrying\n";
        let log = format!(
            "{}No deployments available. Try again in 5 seconds. Passed model=gpt-4o\n{}",
            line.repeat(50),
            line.repeat(50)
        );
        assert_eq!(sig.matches(&MatchText::new(&log)), Some(Match::Signature));
        assert!(MatchText::new(&log).tokens().contains("gpt-4o"));
    }

    #[test]
    fn a_broken_regex_never_matches_and_never_panics() {
        let sig = re(r"unclosed (group");
        assert!(sig.matches(&MatchText::new("unclosed (group")).is_none());
    }
}
