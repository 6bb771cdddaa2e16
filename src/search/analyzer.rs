//! The error-text analyzer: splits identifiers into the whole token and its parts, keeps
//! numbers, lowercases and folds accents. `static/js/search.js` mirrors it exactly.
//!
//! The rules, in order (the JavaScript runtime implements the same ones, so keep both in step):
//! 1. Fold: Unicode NFKD, then drop combining marks (`é` → `e`, `ﬁ` → `fi`).
//! 2. Find compounds: runs of word characters (alphabetic or numeric) joined by runs of the
//!    joiners `. : / _ -`. Joiners at either end belong to no compound
//!    (`litellm.RateLimitError:` is the compound `litellm.RateLimitError`).
//! 3. For each compound emit: the whole compound when it has more than one segment; each
//!    segment (a run of word characters); and, when a segment has camelCase humps, each hump
//!    (`RateLimitError` → `rate`, `limit`, `error`; `HTTPError` → `http`, `error`).
//! 4. Lowercase every token; drop tokens longer than [`MAX_TOKEN_CHARS`] and the few
//!    [`STOPWORDS`] that identify nothing.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// The name under which the analyzer is registered in tantivy.
pub const ANALYZER_NAME: &str = "errbook_error_text";

/// Longer tokens are hashes, base64 blobs or whole paths: noise for search.
pub const MAX_TOKEN_CHARS: usize = 40;

/// Words too common in prose to say anything about an error, and the filler of questions typed
/// in words ("why is my fallback not working"). Short on purpose: `not`, `no`, `none`, `found`,
/// `cannot` and every number carry meaning in error messages.
pub const STOPWORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "do", "does", "doesn", "for", "from", "how",
    "i", "in", "is", "it", "my", "of", "on", "or", "that", "the", "this", "to", "was", "why",
    "with", "work", "working", "works",
];

fn is_word(c: char) -> bool {
    c.is_alphanumeric()
}

fn is_joiner(c: char) -> bool {
    matches!(c, '.' | ':' | '/' | '_' | '-')
}

/// Folds accents and compatibility forms away, keeping case (camelCase needs it).
pub fn fold(text: &str) -> std::borrow::Cow<'_, str> {
    if text.is_ascii() {
        return std::borrow::Cow::Borrowed(text);
    }
    // Line by line, the ASCII ones as they are: a long log with a few accented lines is not
    // decomposed whole. (Decomposition and the ordering of marks never cross a line break.)
    let mut folded = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            folded.push('\n');
        }
        if line.is_ascii() {
            folded.push_str(line);
        } else {
            folded.extend(line.nfkd().filter(|&c| !is_combining_mark(c)));
        }
    }
    std::borrow::Cow::Owned(folded)
}

/// Whether a lowercased token is one of the [`STOPWORDS`].
pub fn is_stopword(token: &str) -> bool {
    // Every stopword is short: longer tokens need no comparison at all. Short ones are
    // compared as one integer each (bytes and length), not byte by byte.
    static PACKED: std::sync::OnceLock<Vec<u64>> = std::sync::OnceLock::new();
    let Some(packed) = pack_short(token) else {
        return false;
    };
    PACKED
        .get_or_init(|| STOPWORDS.iter().filter_map(|w| pack_short(w)).collect())
        .contains(&packed)
}

/// A string of at most seven bytes as one integer: its bytes, then its length.
fn pack_short(s: &str) -> Option<u64> {
    if s.len() > 7 {
        return None;
    }
    let mut bytes = [0u8; 8];
    bytes[..s.len()].copy_from_slice(s.as_bytes());
    bytes[7] = s.len() as u8;
    Some(u64::from_le_bytes(bytes))
}

/// The analyzed tokens of `text`, in order, with repeats (term frequencies count them).
pub fn analyze(text: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    for_each_token(text, &mut String::new(), |t| tokens.push(t.to_string()));
    tokens
}

/// The distinct tokens of a query, in first-seen order.
pub fn query_terms(text: &str) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    analyze(text)
        .into_iter()
        .filter(|t| seen.insert(t.clone()))
        .collect()
}

/// Calls `emit` with each token of `text`, in order, with repeats.
pub fn for_each(text: &str, emit: impl FnMut(&str)) {
    for_each_token(text, &mut String::new(), emit);
}

/// [`for_each`] with a caller's buffer for the lowercased token, for callers that analyze
/// many texts.
pub fn for_each_reusing(text: &str, scratch: &mut String, emit: impl FnMut(&str)) {
    for_each_token(text, scratch, emit);
}

/// A set of tokens with a hash fit for short keys (the default one is built to resist
/// attacks on long-lived maps; this set lives for one query).
pub type TokenSet =
    std::collections::HashSet<String, std::hash::BuildHasherDefault<super::cache::Fnv64>>;

/// Every distinct token of `text`, however long: the candidate key terms of signatures.
pub fn distinct_tokens(text: &str, into: &mut TokenSet) {
    // A log repeats itself: each distinct compound is analyzed once.
    let folded = fold(text);
    let mut seen: std::collections::HashSet<
        &str,
        std::hash::BuildHasherDefault<super::cache::Fnv64>,
    > = Default::default();
    let mut scratch = String::new();
    for_each_compound(&folded, |compound| {
        if seen.insert(compound) {
            emit_compound(compound, &mut scratch, &mut |t: &str| {
                if !into.contains(t) {
                    into.insert(t.to_string());
                }
            });
        }
    });
}

/// Calls `emit` with each token; `scratch` holds the lowercased token, so indexing a page
/// allocates nothing per token.
fn for_each_token(text: &str, scratch: &mut String, mut emit: impl FnMut(&str)) {
    let folded = fold(text);
    for_each_compound(&folded, |compound| {
        emit_compound(compound, scratch, &mut emit)
    });
}

/// Calls `emit` with each compound of an already folded `text`, in order.
fn for_each_compound<'t>(text: &'t str, mut emit: impl FnMut(&'t str)) {
    // Byte offsets, decoding a character only where a byte is not ASCII (joiners are ASCII).
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let (c, len) = char_at(text, i);
        i += len;
        if !is_word(c) {
            continue;
        }
        // A compound: word+ (joiner+ word+)*.
        let start = i - len;
        let mut end = i;
        while i < bytes.len() {
            let (c, len) = char_at(text, i);
            if is_word(c) {
                i += len;
                end = i;
            } else if is_joiner(c) {
                // Joiners count only when a word character follows them.
                let after = i + bytes[i..]
                    .iter()
                    .take_while(|&&b| is_joiner(char::from(b)))
                    .count();
                if after < bytes.len() && is_word(char_at(text, after).0) {
                    i = after;
                } else {
                    break;
                }
            } else {
                break;
            }
        }
        emit(&text[start..end]);
    }
}

/// The character starting at byte `i` of `text` and its length in bytes.
fn char_at(text: &str, i: usize) -> (char, usize) {
    let byte = text.as_bytes()[i];
    if byte.is_ascii() {
        return (char::from(byte), 1);
    }
    let c = text[i..]
        .chars()
        .next()
        .expect("offsets stay on character boundaries");
    (c, c.len_utf8())
}

fn emit_compound(compound: &str, scratch: &mut String, emit: &mut impl FnMut(&str)) {
    let mut segments = compound
        .split(is_joiner)
        .filter(|s| !s.is_empty())
        .peekable();
    let first = segments.next().unwrap_or_default();
    if segments.peek().is_some() {
        push(compound, scratch, emit);
    }
    for segment in std::iter::once(first).chain(segments) {
        push(segment, scratch, emit);
        if let Some(humps) = camel_humps(segment) {
            for hump in humps {
                push(hump, scratch, emit);
            }
        }
    }
}

fn push(token: &str, scratch: &mut String, emit: &mut impl FnMut(&str)) {
    let ascii = token.is_ascii();
    let long = if ascii {
        token.len() > MAX_TOKEN_CHARS
    } else {
        token.chars().count() > MAX_TOKEN_CHARS
    };
    if long {
        return;
    }
    scratch.clear();
    if ascii {
        scratch.push_str(token);
        scratch.make_ascii_lowercase();
    } else {
        scratch.push_str(&token.to_lowercase());
    }
    if !is_stopword(scratch) {
        emit(scratch);
    }
}

/// Splits `RateLimitError` into `Rate`, `Limit`, `Error` and `HTTPError` into `HTTP`, `Error`:
/// a hump starts at an uppercase letter after a lowercase one, or at the last uppercase
/// letter of a run that a lowercase letter follows. `None` when there is only one hump.
fn camel_humps(segment: &str) -> Option<Vec<&str>> {
    if segment.is_ascii() {
        return ascii_camel_humps(segment.as_bytes())
            .map(|humps| humps.into_iter().map(|range| &segment[range]).collect());
    }
    char_camel_humps(segment)
}

/// [`camel_humps`] by characters, for segments that are not ASCII.
fn char_camel_humps(segment: &str) -> Option<Vec<&str>> {
    // All-lowercase words and numbers, most of any text, have one hump.
    if !segment.chars().any(char::is_uppercase) {
        return None;
    }
    let chars: Vec<(usize, char)> = segment.char_indices().collect();
    let mut humps = Vec::new();
    let mut start = 0;
    for i in 1..chars.len() {
        let (prev, (at, cur)) = (chars[i - 1].1, chars[i]);
        let next_lower = chars.get(i + 1).is_some_and(|(_, c)| c.is_lowercase());
        if cur.is_uppercase() && (prev.is_lowercase() || (prev.is_uppercase() && next_lower)) {
            humps.push(&segment[start..at]);
            start = at;
        }
    }
    if humps.is_empty() {
        return None;
    }
    humps.push(&segment[start..]);
    Some(humps)
}

/// [`camel_humps`] of an ASCII segment, as byte ranges, without decoding characters.
fn ascii_camel_humps(segment: &[u8]) -> Option<Vec<std::ops::Range<usize>>> {
    if !segment.iter().any(u8::is_ascii_uppercase) {
        return None;
    }
    let mut humps = Vec::new();
    let mut start = 0;
    for at in 1..segment.len() {
        let (prev, cur) = (segment[at - 1], segment[at]);
        let next_lower = segment.get(at + 1).is_some_and(u8::is_ascii_lowercase);
        if cur.is_ascii_uppercase()
            && (prev.is_ascii_lowercase() || (prev.is_ascii_uppercase() && next_lower))
        {
            humps.push(start..at);
            start = at;
        }
    }
    if humps.is_empty() {
        return None;
    }
    humps.push(start..segment.len());
    Some(humps)
}

/// The analyzer as a tantivy tokenizer.
#[derive(Clone, Default)]
pub struct ErrorTextTokenizer {
    token: Token,
    /// Every token of the current text, end to end, and where each ends.
    buffer: String,
    ends: Vec<usize>,
}

/// The tokens of one text, handed to tantivy one by one.
pub struct ErrorTextTokenStream<'a> {
    buffer: &'a str,
    ends: &'a [usize],
    next: usize,
    token: &'a mut Token,
}

impl Tokenizer for ErrorTextTokenizer {
    type TokenStream<'a> = ErrorTextTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ErrorTextTokenStream<'a> {
        // Positions count from 0; `reset` leaves usize::MAX so the first advance wraps to 0.
        self.token.reset();
        self.buffer.clear();
        self.ends.clear();
        let (buffer, ends) = (&mut self.buffer, &mut self.ends);
        for_each_token(text, &mut String::new(), |t| {
            buffer.push_str(t);
            ends.push(buffer.len());
        });
        ErrorTextTokenStream {
            buffer: &self.buffer,
            ends: &self.ends,
            next: 0,
            token: &mut self.token,
        }
    }
}

impl TokenStream for ErrorTextTokenStream<'_> {
    fn advance(&mut self) -> bool {
        let Some(&end) = self.ends.get(self.next) else {
            return false;
        };
        let start = if self.next == 0 {
            0
        } else {
            self.ends[self.next - 1]
        };
        self.next += 1;
        self.token.position = self.token.position.wrapping_add(1);
        self.token.text.clear();
        self.token.text.push_str(&self.buffer[start..end]);
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<String> {
        analyze(text)
    }

    #[test]
    fn dotted_camel_case_exception_gives_whole_and_parts() {
        assert_eq!(
            tokens("litellm.RateLimitError:"),
            [
                "litellm.ratelimiterror",
                "litellm",
                "ratelimiterror",
                "rate",
                "limit",
                "error"
            ]
        );
    }

    #[test]
    fn status_codes_and_numbers_stay() {
        let t = tokens("Error code: 429 - {'error': {'message': 'Rate limit reached'}}");
        assert!(t.contains(&"429".to_string()), "{t:?}");
        assert!(t.contains(&"error".to_string()));
        assert!(t.contains(&"rate".to_string()));
        assert!(t.contains(&"reached".to_string()));
    }

    #[test]
    fn no_deployments_message_keeps_its_words_and_the_wait() {
        // litellm.md §5: the router's cooldown message.
        let t = tokens(
            "No deployments available for selected model, Try again in 60 seconds. \
             Passed model=gpt-4o. pre-call-checks=False",
        );
        for want in [
            "deployments",
            "60",
            "gpt-4o",
            "gpt",
            "4o",
            "pre-call-checks",
            "call",
        ] {
            assert!(t.contains(&want.to_string()), "{want} missing from {t:?}");
        }
        // Stopwords go; `no` stays because it identifies the error.
        assert!(t.contains(&"no".to_string()));
        assert!(!t.contains(&"for".to_string()));
        assert!(!t.contains(&"in".to_string()));
    }

    #[test]
    fn fallback_message_splits_underscored_and_equals_parts() {
        let t = tokens("No fallback model group found for original model_group=claude-3-opus");
        for want in [
            "fallback",
            "model_group",
            "group",
            "claude-3-opus",
            "claude",
            "opus",
            "3",
        ] {
            assert!(t.contains(&want.to_string()), "{want} missing from {t:?}");
        }
    }

    #[test]
    fn acronym_humps_split_before_the_last_capital() {
        assert_eq!(
            tokens("HTTPError"),
            ["httperror", "http", "error"],
            "HTTPError → whole segment, then humps"
        );
        assert_eq!(
            tokens("openai.APIConnectionError"),
            [
                "openai.apiconnectionerror",
                "openai",
                "apiconnectionerror",
                "api",
                "connection",
                "error"
            ]
        );
    }

    #[test]
    fn paths_and_urls_split_into_segments() {
        let t = tokens("File \"/usr/lib/python3.11/site-packages/litellm/router.py\", line 2345");
        for want in [
            "file", "usr", "python3", "11", "site", "packages", "router", "py", "2345",
        ] {
            assert!(t.contains(&want.to_string()), "{want} missing from {t:?}");
        }
        // The whole path is longer than the limit and is dropped, not truncated.
        assert!(t.iter().all(|t| t.chars().count() <= MAX_TOKEN_CHARS));
    }

    /// The ASCII shortcut splits as the character rules do.
    #[test]
    fn ascii_humps_are_those_of_the_character_rules() {
        for segment in [
            "RateLimitError",
            "HTTPError",
            "getHTTPResponseCode",
            "ABC",
            "Abc",
            "aB",
            "lowercase",
            "x86_64",
            "OpenAI4o",
            "A",
            "",
            "IOError2",
            "gpt4OMini",
        ] {
            let ascii = ascii_camel_humps(segment.as_bytes())
                .map(|humps| humps.into_iter().map(|r| &segment[r]).collect::<Vec<_>>());
            assert_eq!(ascii, char_camel_humps(segment), "{segment}");
        }
    }

    /// Letters that are not ASCII are words and have humps too; byte offsets stay on
    /// character boundaries. (`й` folds to `и`: its breve is a combining mark.)
    #[test]
    fn words_in_other_scripts_split_like_ascii_ones() {
        assert_eq!(
            tokens("ОшибкаСети.Таймаут: 超时"),
            [
                "ошибкасети.таимаут",
                "ошибкасети",
                "ошибка",
                "сети",
                "таимаут",
                "超时"
            ]
        );
    }

    #[test]
    fn accents_and_compatibility_forms_fold() {
        assert_eq!(tokens("Café ﬁle"), ["cafe", "file"]);
    }

    #[test]
    fn joiners_at_the_edges_are_not_part_of_a_token() {
        assert_eq!(tokens("__init__: ...done."), ["init", "done"]);
        assert_eq!(tokens("a - b"), ["b"]);
    }

    #[test]
    fn query_terms_are_distinct_in_first_seen_order() {
        assert_eq!(query_terms("Error error ERROR 429 error"), ["error", "429"]);
    }

    #[test]
    fn the_tokenizer_streams_the_analyzed_tokens_to_tantivy() {
        let mut tokenizer = ErrorTextTokenizer::default();
        let mut stream = tokenizer.token_stream("litellm.RateLimitError");
        let mut seen = Vec::new();
        while stream.advance() {
            seen.push((stream.token().text.clone(), stream.token().position));
        }
        assert_eq!(seen[0], ("litellm.ratelimiterror".to_string(), 0));
        assert_eq!(seen.len(), 6);
        assert_eq!(seen[5].1, 5);
    }
}
