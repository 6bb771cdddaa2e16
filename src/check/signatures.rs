//! The signature rules: `signature-example-mismatch`, a regex that does not match one of its
//! own `example:` messages; `signature-not-found`, the site's own search run on every literal
//! signature and example, reporting a page that another page's signature outranks for its own
//! error text; and `signature-collision`, two pages whose signatures match the same text, so a
//! pasted log would land on both.
//!
//! Each page's literal signatures are the sample texts. One Aho-Corasick automaton holds every
//! literal signature and, for every regex, a run of text any match must contain; a single
//! scan of each sample finds the candidates, and only those regexes run. No pair of pages is
//! compared directly.

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use rayon::prelude::*;
use regex_lite::Regex;

use std::collections::HashMap;
use std::ops::Range;

use crate::check::Context;
use crate::content::{Page, Signature};
use crate::diagnostic::Diagnostic;
use crate::search;
use crate::search::normalize::normalize;
use crate::search::signatures::{MatchText, SignatureEntry};

/// Shorter required runs would make most regexes candidates for most samples.
const MIN_RUN: usize = 4;

struct Owner {
    page: usize,
    signature: usize,
}

/// The automaton holds at most this many bytes of each pattern: the end of a literal (its
/// most specific part, where numbers and names are) or of a regex's required run. Full
/// texts would make a trie of every byte of every signature, and building it would cost
/// more than the whole scan; a match of the piece is confirmed on the full literal, or by
/// the regex.
const PIECE: usize = 24;

/// The last `PIECE` bytes of `text` or a little more, at a character boundary.
fn piece(text: &str) -> &str {
    let mut start = text.len().saturating_sub(PIECE);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    &text[start..]
}

/// Whether `literal` occurs in `sample` ending at byte `end`.
fn ends_at(sample: &str, literal: &str, end: usize) -> bool {
    end.checked_sub(literal.len())
        .and_then(|start| sample.as_bytes().get(start..end))
        .is_some_and(|found| found == literal.as_bytes())
}

/// What a match of a piece in the automaton may be, to be confirmed on the sample.
enum Candidate<'a> {
    Literal(&'a str),
    Regex(LazyRegex<'a>),
}

/// A regex compiled on first use: most never meet a candidate sample, and compiling every
/// regex of a large site would cost more than the whole scan.
struct LazyRegex<'a> {
    pattern: &'a str,
    /// Plain-text runs every match contains, in order: a cheap test before the regex runs.
    runs: Vec<String>,
    compiled: OnceLock<Option<Regex>>,
}

impl<'a> LazyRegex<'a> {
    fn new(pattern: &'a str) -> Self {
        LazyRegex {
            pattern,
            runs: literal_runs(pattern).unwrap_or_default(),
            compiled: OnceLock::new(),
        }
    }

    fn is_match(&self, text: &str) -> bool {
        let mut rest = text;
        for run in &self.runs {
            match rest.find(run.as_str()) {
                Some(at) => rest = &rest[at + run.len()..],
                None => return false,
            }
        }
        self.compiled
            .get_or_init(|| compile(self.pattern))
            .as_ref()
            .is_some_and(|re| re.is_match(text))
    }
}

/// regex-lite: it compiles in microseconds and keeps no per-regex DFA cache, which matters
/// when thousands of regexes each run on a few candidates. Its classes (`\\w`, `\\d`) are
/// ASCII, as error messages mostly are.
fn compile(pattern: &str) -> Option<Regex> {
    Regex::new(pattern).ok()
}

/// `signature-example-mismatch`: each `example:` of a regex signature must be matched by its
/// regex, tested exactly as search tests a pasted text. A regex that does not compile is left
/// to `invalid-signature`.
pub fn check_page(page: &Page, cx: &Context, out: &mut Vec<Diagnostic>) {
    for signature in &page.front.signatures {
        let Signature::Regex { pattern, examples } = &signature.value else {
            continue;
        };
        if examples.is_empty() {
            continue;
        }
        let Some(regex) = search::signatures::compile(pattern) else {
            continue;
        };
        for example in examples {
            if MatchText::new(&example.value).regex_matches(&regex) {
                continue;
            }
            out.push(
                cx.report(
                    "signature-example-mismatch",
                    page,
                    example.span.clone(),
                    format!("the signature's regex `{pattern}` does not match this example"),
                )
                .with_help(
                    "an example is a real message as the program prints it: correct the regex \
                     so it matches, or the example if it was not copied exactly",
                ),
            );
        }
    }
}

/// `signature-not-found`: search's signature tier, run on each literal signature and each
/// example as if a reader pasted it. Signature matches rank first and the most specific one
/// wins, so no full-text index is needed: a page comes first for its own text unless another
/// page's signature matches that text more specifically (ties are ordered by the pages' words
/// and are `signature-collision`'s business), or unless search does not match the text at all.
///
/// A literal's own text can only be tied, never outranked: any other signature that matches
/// it needs at most as many literal characters as the text has. So literals are only checked
/// to match themselves once normalized, and the signature tier runs on the examples.
pub fn check_found(cx: &Context, out: &mut Vec<Diagnostic>) {
    let pages = &cx.site.pages;
    let unmatched_literals: Vec<Diagnostic> = pages
        .par_iter()
        .flat_map_iter(|page| {
            page.front.signatures.iter().filter_map(move |sig| {
                let Signature::Literal(text) = &sig.value else {
                    return None;
                };
                if !normalize(text).spaced.is_empty() {
                    return None;
                }
                Some(
                    cx.report(
                        "signature-not-found",
                        page,
                        sig.span.clone(),
                        "search does not match this text: normalized like a paste (log \
                         prefixes, escapes and colour codes removed), nothing is left of it",
                    )
                    .with_help("use the message itself, without a timestamp or level prefix"),
                )
            })
        })
        .collect();
    out.extend(unmatched_literals);
    // (page, the regex it belongs to, the example, where it is written)
    let mut examples: Vec<(usize, usize, &str, &Range<usize>)> = Vec::new();
    let mut first = 0;
    for (p, page) in pages.iter().enumerate() {
        for (s, sig) in page.front.signatures.iter().enumerate() {
            for example in sig.value.examples() {
                examples.push((p, first + s, &example.value, &example.span));
            }
        }
        first += page.front.signatures.len();
    }
    if examples.is_empty() {
        return;
    }
    let prepared: Vec<(SignatureEntry, Vec<String>)> = pages
        .par_iter()
        .enumerate()
        .flat_map_iter(|(p, page)| {
            page.front
                .signatures
                .iter()
                .map(move |sig| SignatureEntry::unkeyed(p, &sig.value))
        })
        .collect();
    // Keys as search picks them, the rarest candidate word, with how many signatures could
    // be keyed on a word standing in for its document frequency. Any candidate is in every
    // text the signature matches, so the choice changes which signatures are tried, not what
    // matches.
    let mut frequency: HashMap<&str, u64> = HashMap::new();
    for (_, candidates) in &prepared {
        for word in candidates {
            *frequency.entry(word).or_default() += 1;
        }
    }
    let keys: Vec<Option<String>> = prepared
        .iter()
        .map(|(_, candidates)| {
            candidates
                .iter()
                .min_by(|a, b| {
                    frequency[a.as_str()]
                        .cmp(&frequency[b.as_str()])
                        .then_with(|| a.cmp(b))
                })
                .cloned()
        })
        .collect();
    let entries: Vec<SignatureEntry> = prepared
        .into_iter()
        .zip(keys)
        .map(|((mut entry, _), key)| {
            entry.key = key;
            entry
        })
        .collect();
    let mut by_key: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut unkeyed = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        match &entry.key {
            Some(key) => by_key.entry(key).or_default().push(i),
            None => unkeyed.push(i),
        }
    }
    let found: Vec<Diagnostic> = examples
        .par_iter()
        .filter_map(|&(p, own_signature, text, span)| {
            let prepared = MatchText::for_full_matches(text);
            let tokens = prepared.tokens();
            let mut candidates: Vec<usize> = unkeyed.clone();
            for token in &tokens {
                candidates.extend(by_key.get(token.as_str()).into_iter().flatten());
            }
            candidates.sort_unstable();
            candidates.dedup();
            let full = |i: usize| entries[i].matches_fully(&prepared);
            // An example its own regex does not match is `signature-example-mismatch`.
            if !full(own_signature) {
                return None;
            }
            let own = candidates
                .iter()
                .filter(|&&i| entries[i].page == p && full(i))
                .map(|&i| entries[i].specificity)
                .chain([entries[own_signature].specificity])
                .max()
                .unwrap_or_default();
            let other = candidates
                .iter()
                .filter(|&&i| entries[i].page != p && entries[i].specificity > own && full(i))
                .map(|&i| &entries[i])
                .max_by_key(|e| e.specificity)?;
            Some(
                cx.report(
                    "signature-not-found",
                    &pages[p],
                    span.clone(),
                    format!(
                        "search puts {} first for this text: its signature `{}` matches it \
                         more specifically",
                        pages[other.page].file.display_path(),
                        other.pattern
                    ),
                )
                .with_help(
                    "make this page's signature more specific, or the other page's signature \
                     narrower, so each error text finds its own page",
                ),
            )
        })
        .collect();
    out.extend(found);
}

pub fn check_site(cx: &Context, out: &mut Vec<Diagnostic>) {
    let pages = &cx.site.pages;
    let mut patterns: Vec<String> = Vec::new();
    let mut owners: Vec<(Owner, Candidate)> = Vec::new();
    let mut unfiltered: Vec<(Owner, LazyRegex)> = Vec::new();
    let mut samples: Vec<(usize, &str)> = Vec::new();
    for (p, page) in pages.iter().enumerate() {
        for (s, signature) in page.front.signatures.iter().enumerate() {
            let owner = Owner {
                page: p,
                signature: s,
            };
            match &signature.value {
                Signature::Literal(text) => {
                    samples.push((p, text));
                    patterns.push(piece(text).to_string());
                    owners.push((owner, Candidate::Literal(text)));
                }
                Signature::Regex { pattern, .. } => {
                    let regex = LazyRegex::new(pattern);
                    match required_run(pattern) {
                        Some(run) => {
                            patterns.push(piece(&run).to_string());
                            owners.push((owner, Candidate::Regex(regex)));
                        }
                        None => unfiltered.push((owner, regex)),
                    }
                }
            }
        }
    }
    // The contiguous NFA keeps tens of thousands of patterns compact.
    let Ok(automaton) = AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .kind(Some(AhoCorasickKind::ContiguousNFA))
        .build(&patterns)
    else {
        return;
    };
    // Samples are scanned in parallel; each regex is compiled at most once, by whichever
    // thread meets it first.
    let mut hits: Vec<(usize, usize, usize, usize)> = samples
        .par_iter()
        .enumerate()
        .flat_map_iter(|(n, &(sample_page, sample))| {
            // A page's own samples are skipped before any regex runs: its regexes are
            // meant to match them, and compiling a regex only for that would be wasted.
            let filtered = automaton.find_overlapping_iter(sample).filter_map(|found| {
                let (owner, candidate) = &owners[found.pattern().as_usize()];
                if owner.page == sample_page {
                    return None;
                }
                let matches = match candidate {
                    // The piece is the literal's end: the literal ends where the piece does.
                    Candidate::Literal(text) => ends_at(sample, text, found.end()),
                    Candidate::Regex(regex) => regex.is_match(sample),
                };
                matches.then_some(owner)
            });
            let rest = unfiltered
                .iter()
                .filter(|(owner, re)| owner.page != sample_page && re.is_match(sample))
                .map(|(owner, _)| owner);
            filtered
                .chain(rest)
                .map(move |owner| (owner.page, owner.signature, sample_page, n))
                .collect::<Vec<_>>()
        })
        .collect();
    hits.sort_unstable();
    hits.dedup_by_key(|(page, signature, sample_page, _)| (*page, *signature, *sample_page));
    for (page, signature, sample_page, n) in hits {
        let sample = samples[n].1;
        let owner_page = &pages[page];
        let other = &pages[sample_page];
        out.push(
            cx.report(
                "signature-collision",
                owner_page,
                owner_page.front.signatures[signature].span.clone(),
                format!(
                    "this signature also matches `{sample}`, a signature of {}",
                    other.file.display_path()
                ),
            )
            .with_help("make the signatures specific enough that one error text matches one page"),
        );
    }
}

/// The longest run of plain text that every match of `pattern` must contain, if one is long
/// enough to be useful.
fn required_run(pattern: &str) -> Option<String> {
    let best = literal_runs(pattern)?
        .into_iter()
        .max_by_key(|r| r.chars().count())?;
    (best.chars().count() >= MIN_RUN).then_some(best)
}

/// The runs of plain text outside any group that every match of `pattern` contains, in
/// order; `None` when alternation or flags make that unknowable.
fn literal_runs(pattern: &str) -> Option<Vec<String>> {
    if pattern.contains('|') || pattern.contains("(?") {
        return None;
    }
    let mut runs = Vec::new();
    let mut run = String::new();
    let mut depth = 0usize;
    let mut chars = pattern.chars().peekable();
    let flush = |run: &mut String, runs: &mut Vec<String>| {
        if !run.is_empty() {
            runs.push(std::mem::take(run));
        }
    };
    while let Some(c) = chars.next() {
        let literal = match c {
            '\\' => match chars.next() {
                Some(e) if e.is_ascii_punctuation() || e == ' ' => Some(e),
                _ => None,
            },
            '(' => {
                depth += 1;
                None
            }
            ')' => {
                depth = depth.saturating_sub(1);
                None
            }
            '[' => {
                // Skip the class; it stands for one unknown character.
                let mut escaped = false;
                for d in chars.by_ref() {
                    if escaped {
                        escaped = false;
                    } else if d == '\\' {
                        escaped = true;
                    } else if d == ']' {
                        break;
                    }
                }
                None
            }
            '.' | '^' | '$' | '*' | '+' | '?' | '{' | '}' => None,
            c => Some(c),
        };
        match literal {
            Some(l) if depth == 0 => {
                // A character made optional or repeatable by a quantifier is not required.
                if matches!(chars.peek(), Some('?' | '*' | '{')) {
                    flush(&mut run, &mut runs);
                } else {
                    run.push(l);
                }
            }
            _ => flush(&mut run, &mut runs),
        }
    }
    flush(&mut run, &mut runs);
    Some(runs)
}

#[cfg(test)]
mod tests {
    use super::{ends_at, piece, required_run};

    #[test]
    fn pieces_are_literal_ends_confirmed_on_the_whole() {
        let literal = "ConnectionError: could not reach é-host after 3 attempts";
        let piece = piece(literal);
        assert!(
            literal.ends_with(piece) && (24..=25).contains(&piece.len()),
            "{piece}"
        );
        assert_eq!(super::piece("short"), "short");
        let sample = format!("ERROR {literal} (giving up)");
        let end = sample.find(piece).unwrap() + piece.len();
        assert!(ends_at(&sample, literal, end));
        // The same end, but the text before it differs; or the literal would start before
        // the sample does.
        let other = sample.replace("ConnectionError", "TimeoutError");
        let end = other.find(piece).unwrap() + piece.len();
        assert!(!ends_at(&other, literal, end));
        assert!(!ends_at(piece, literal, piece.len()));
    }

    #[test]
    fn required_runs() {
        assert_eq!(
            required_run(r"No deployments available for selected model, Try again in \d+ seconds")
                .as_deref(),
            Some("No deployments available for selected model, Try again in ")
        );
        assert_eq!(
            required_run(r"litellm\.RateLimitError: .*").as_deref(),
            Some("litellm.RateLimitError: ")
        );
        assert_eq!(required_run(r"colou?r name"), Some("r name".to_string()));
        assert_eq!(required_run(r"(optional text)?abc"), None);
        assert_eq!(required_run(r"a|b"), None);
        assert_eq!(required_run(r"[abc]+xyz1"), Some("xyz1".to_string()));
        assert_eq!(
            super::literal_runs(r"connect to \S+:\d+ \(while calling api\)").unwrap(),
            ["connect to ", ":", " (while calling api)"]
        );
    }
}
