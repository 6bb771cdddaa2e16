//! Normalization of a pasted text before signatures are matched, so a message matches however
//! it was printed: escaped (`\n`, `\"` from JSON logs and `repr()`), coloured (ANSI codes),
//! prefixed by a logger (timestamps, levels, `service  | `), wrapped by a terminal.
//!
//! `static/js/search.js` (`normalize`) applies exactly these steps with the same regular
//! expressions; the parity test compares both on real texts. Keep the two in step.
//!
//! The steps, in order:
//! 1. Line ends `\r\n` and `\r` become `\n`.
//! 2. Escapes written out as text are decoded: `\n`, `\r`, `\r\n` (a line end), `\t` (a space),
//!    `\"`, `\'`, `\/`, `\u0000`–`\u007f` (ASCII), `\x1b` and `\033` (escape); any number of
//!    backslashes counts as one, so doubly escaped JSON decodes too.
//! 3. ANSI escape sequences are removed, and colour codes whose escape character was lost
//!    (`[31m`, `[1;32m`).
//! 4. At each line start, log prefixes are removed, repeatedly: `service  | ` (docker compose),
//!    ISO dates with times, times (`14:31:15 - `), level words (`INFO:`, `[error    ]`,
//!    `ERROR:logger.name:`) and LiteLLM's `LiteLLM Proxy:ERROR: file.py:123 - `.
//! 5. Runs of whitespace within a line become one space; line ends are trimmed.
//!
//! The result has three forms, and a signature matches when it matches any of them:
//! `lines` keeps the line breaks, `spaced` has every line break as a space, and `joined`
//! (only when the text has a possible terminal wrap) also joins a line of at least
//! [`WRAP_MIN_CHARS`] characters that ends inside a word to an unindented next line that
//! starts with one, without a space.

use std::sync::LazyLock;

use rayon::prelude::*;
use regex::Regex;

/// Texts longer than this are worked on by all cores.
pub const PARALLEL_BYTES: usize = 64 * 1024;

/// A line at least this long (in characters) that ends inside a word may have been cut there
/// by a terminal's hard wrap.
pub const WRAP_MIN_CHARS: usize = 60;

/// Level words recognised at line starts, in upper and lower case (no inline flags: the same
/// pattern must run in JavaScript).
const LEVELS: &str = "TRACE|DEBUG|INFO|NOTICE|WARNING|WARN|ERROR|CRITICAL|FATAL|\
                      trace|debug|info|notice|warning|warn|error|critical|fatal";

/// Whitespace within a line (Unicode spaces, not line ends), spelled out so Rust and
/// JavaScript agree on it.
pub const SPACE_CLASS: &str =
    r"[\t\u000B\u000C \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000\uFEFF]";

static ESCAPE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\\+(?:r\\+n|[rn]|t|["'/]|u00[0-7][0-9A-Fa-f]|x1[bB]|033)"#).expect("escape regex")
});
static ANSI: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\x1B\[[0-?]*[ -/]*[@-~]|\x1B|\[[0-9]{1,3}(?:;[0-9]{1,3})*m").expect("ansi regex")
});
static PREFIX: LazyLock<Regex> = LazyLock::new(|| Regex::new(&prefix_pattern()).expect("prefix"));
static SPACES: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!("{SPACE_CLASS}+")).expect("space regex"));

/// One log prefix at the start of a line (the JavaScript runtime builds the same pattern).
pub fn prefix_pattern() -> String {
    let date = r"\[?[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}(?:[.,][0-9]+)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?\]?[ \t]*(?:[-|][ \t]+)?";
    let time = r"\[?[0-9]{2}:[0-9]{2}:[0-9]{2}(?:[.,][0-9]+)?\]?[ \t]*(?:[-|][ \t]+)?";
    let compose = r"[A-Za-z0-9][A-Za-z0-9_.-]*[ \t]*\|[ \t]?";
    let litellm = format!(r"[A-Za-z0-9_. ]{{1,40}}:(?:{LEVELS}): [A-Za-z0-9_./\\-]+:[0-9]+ - ");
    let level = format!(r"\[?(?:{LEVELS})[ \t]*\]?(?::[A-Za-z0-9_.]+:|[ \t]*[-:|][ \t]*|[ \t]+)");
    format!("^(?:{date}|{time}|{litellm}|{level}|{compose})")
}

/// A pasted text in its matching forms.
#[derive(Debug, Clone)]
pub struct Normalized {
    /// Line breaks kept, each line cleaned.
    pub lines: String,
    /// Every line break a space.
    pub spaced: String,
    /// Like `spaced`, with possible terminal wraps joined; `None` when there are none.
    pub joined: Option<String>,
    /// Byte offsets in `joined` where two lines were joined without a space.
    pub junctions: Vec<usize>,
}

impl Normalized {
    /// The forms a signature is tried on, `lines` first.
    pub fn forms(&self) -> impl Iterator<Item = &str> {
        [
            Some(self.lines.as_str()),
            Some(self.spaced.as_str()),
            self.joined.as_deref(),
        ]
        .into_iter()
        .flatten()
    }
}

/// Normalizes a pasted text (see the module documentation for the steps).
pub fn normalize(text: &str) -> Normalized {
    // Each step runs only when the text holds a character it acts on: most texts (a literal
    // signature, a one-line message) skip all but the line cleaning.
    let mut text = std::borrow::Cow::Borrowed(text);
    if text.contains('\r') {
        text = text.replace("\r\n", "\n").replace('\r', "\n").into();
    }
    if text.contains('\\') {
        text = ESCAPE
            .replace_all(&text, |caps: &regex::Captures| decode_escape(&caps[0]))
            .into_owned()
            .into();
    }
    if text.contains(['\x1b', '[']) {
        text = ANSI.replace_all(&text, "").into_owned().into();
    }
    // Lines are cleaned on their own: a long log's on all cores.
    let raw: Vec<&str> = text.split('\n').collect();
    let lines: Vec<String> = if text.len() > PARALLEL_BYTES {
        raw.par_iter().map(|l| clean_line(l)).collect()
    } else {
        raw.iter().map(|l| clean_line(l)).collect()
    };
    // A cleaned line starts with at most one space (its indentation).
    let spaced = lines
        .iter()
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let (joined, junctions) = join_wraps(&lines);
    Normalized {
        lines: lines.join("\n"),
        spaced,
        joined,
        junctions,
    }
}

/// The character an escape stands for; the backslashes before it count as one.
fn decode_escape(escape: &str) -> String {
    let body = escape.trim_start_matches('\\');
    match body.as_bytes()[0] {
        b'r' | b'n' => "\n".to_string(),
        b't' => " ".to_string(),
        b'"' => "\"".to_string(),
        b'\'' => "'".to_string(),
        b'/' => "/".to_string(),
        b'x' | b'0' => "\x1b".to_string(),
        _ => u32::from_str_radix(&body[1..], 16)
            .ok()
            .and_then(char::from_u32)
            .map_or_else(|| escape.to_string(), String::from),
    }
}

/// Removes log prefixes from a line start and collapses its whitespace; an indented line (a
/// traceback's code line) keeps one space of indentation.
fn clean_line(line: &str) -> String {
    let mut rest = line;
    // A handful of prefixes at most: `litellm-1 | 2025-... INFO: ...`.
    for _ in 0..6 {
        let trimmed = rest.trim_start_matches(is_space);
        match PREFIX.find(trimmed) {
            Some(found) if found.end() > 0 => rest = &trimmed[found.end()..],
            _ => break,
        }
    }
    let indented = rest.starts_with(is_space);
    let trimmed = rest.trim_matches(is_space);
    let collapsed = if needs_collapse(trimmed) {
        SPACES.replace_all(trimmed, " ")
    } else {
        std::borrow::Cow::Borrowed(trimmed)
    };
    if indented && !collapsed.is_empty() {
        format!(" {collapsed}")
    } else {
        collapsed.into_owned()
    }
}

/// Whether a trimmed line has whitespace other than single spaces.
fn needs_collapse(line: &str) -> bool {
    let bytes = line.as_bytes();
    !line.is_ascii()
        || bytes.iter().any(|&b| matches!(b, b'\t' | 0x0B | 0x0C))
        || bytes.windows(2).any(|w| w == b"  ")
}

/// Whitespace within a line: the characters of [`SPACE_CLASS`].
pub fn is_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\u{B}' | '\u{C}' | ' ' | '\u{85}' | '\u{A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202F}'
                | '\u{205F}'
                | '\u{3000}'
                | '\u{FEFF}'
    )
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric()
}

/// `text.to_lowercase()`, faster on a long paste with a few non-ASCII characters: the standard
/// one looks every character up in the Unicode tables once it has met the first of them. Only
/// the final-sigma rule looks at a character's neighbours, so a text with a `Σ` goes the
/// standard way and the result is the same for every text.
pub fn lowercase(text: &str) -> String {
    if text.contains('Σ') {
        return text.to_lowercase();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let ascii = rest
            .bytes()
            .position(|b| !b.is_ascii())
            .unwrap_or(rest.len());
        let start = out.len();
        out.push_str(&rest[..ascii]);
        out[start..].make_ascii_lowercase();
        let mut chars = rest[ascii..].chars();
        if let Some(c) = chars.next() {
            out.extend(c.to_lowercase());
        }
        rest = chars.as_str();
    }
    out
}

/// `spaced` with possible terminal wraps joined without a space, and where; `None` when no
/// line ends like a wrap.
fn join_wraps(lines: &[String]) -> (Option<String>, Vec<usize>) {
    let mut joined = String::new();
    let mut junctions = Vec::new();
    let mut previous: Option<&str> = None;
    for line in lines {
        let trimmed = line.strip_prefix(' ').unwrap_or(line);
        if trimmed.is_empty() {
            previous = None;
            continue;
        }
        if let Some(prev) = previous {
            let wrap = prev.chars().count() >= WRAP_MIN_CHARS
                && prev.chars().next_back().is_some_and(is_word)
                && !line.starts_with(' ')
                && line.chars().next().is_some_and(is_word);
            if wrap {
                junctions.push(joined.len());
            } else {
                joined.push(' ');
            }
        }
        joined.push_str(trimmed);
        previous = Some(trimmed);
    }
    if junctions.is_empty() {
        (None, junctions)
    } else {
        (Some(joined), junctions)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowercase_is_the_standard_lowercase() {
        for text in [
            "",
            "RateLimitError: NO Deployments",
            "Processing:  51%|█████     | 51/100 Ärger İstanbul ǅ ﬀ",
            "ΟΔΟΣ ΟΔΟΣ. Σ",
            "CAFÉ\nNAÏVE \u{1F600} END",
        ] {
            assert_eq!(lowercase(text), text.to_lowercase(), "{text}");
        }
    }

    #[test]
    fn escaped_line_breaks_and_quotes_decode() {
        // litellm issue #14144: a dict repr whose message holds `\n` as two characters.
        let n = normalize(
            r"{'message': 'Budget has been exceeded! Received Model Group=m\nAvailable Model Group Fallbacks=None'}",
        );
        assert!(
            n.lines
                .contains("Received Model Group=m\nAvailable Model Group"),
            "{n:?}"
        );
        let n = normalize(r#"{\"error\": \"x\\\\ny \\r\\nz\tw \u0027q\u0027\"}"#);
        assert_eq!(n.lines, "{\"error\": \"x\ny\nz w 'q'\"}");
    }

    #[test]
    fn ansi_codes_and_their_remnants_go() {
        let n =
            normalize("\x1b[92m14:31:15 - LiteLLM Router:INFO\x1b[0m: router.py:1 - x [31mred[0m");
        assert_eq!(n.lines, "x red");
        assert_eq!(normalize(r"\x1b[1mbold\033[0m").lines, "bold");
        // A bracket that is no colour code stays.
        assert_eq!(normalize("[model] [m]").lines, "[model] [m]");
    }

    #[test]
    fn log_prefixes_at_line_starts_go() {
        for (line, rest) in [
            (
                "14:31:15 - LiteLLM Proxy:ERROR: common_request_processing.py:1049 - litellm.proxy.proxy_server._handle_llm_api_exception(): Exception",
                "litellm.proxy.proxy_server._handle_llm_api_exception(): Exception",
            ),
            (
                "litellm-1        | 08:56:47 - LiteLLM Router:INFO: router.py:656 - Routing",
                "Routing",
            ),
            (
                "2025-02-28T11:45:53.031203Z [error    ] LLM failure",
                "LLM failure",
            ),
            (
                "INFO:openai._base_client:Retrying request to /chat/completions in 0.4 seconds",
                "Retrying request to /chat/completions in 0.4 seconds",
            ),
            (
                "INFO:     127.0.0.1:49304 - \"POST /chat/completions HTTP/1.1\" 429",
                "127.0.0.1:49304 - \"POST /chat/completions HTTP/1.1\" 429",
            ),
            ("[INFO] Retrying request", "Retrying request"),
            ("2024-01-02 10:11:12,345 - ERROR - boom", "boom"),
            (
                "ERROR: litellm.RateLimitError: x",
                "litellm.RateLimitError: x",
            ),
            ("litellm.RateLimitError: x", "litellm.RateLimitError: x"),
        ] {
            assert_eq!(normalize(line).lines, rest, "{line}");
        }
    }

    #[test]
    fn whitespace_collapses_and_indentation_is_one_space() {
        let n = normalize("a  \t b\n    File \"x.py\", line 1\n\n  c\u{a0}\u{a0}d  ");
        assert_eq!(n.lines, "a b\n File \"x.py\", line 1\n\n c d");
        assert_eq!(n.spaced, "a b File \"x.py\", line 1 c d");
        assert_eq!(n.joined, None);
    }

    #[test]
    fn wrapped_messages_join_in_the_spaced_and_joined_forms() {
        // litellm PR #27215: the priority limiter's 429 wrapped over three indented lines.
        let n = normalize(
            "429: {'error': 'Priority-based rate limit exceeded. Priority: prod,\n                Rate limit type: tokens, Remaining: -664145,\n                Model saturation: 86.3%'}",
        );
        assert!(
            n.spaced
                .contains("Priority: prod, Rate limit type: tokens, Remaining: -664145,")
        );
        // A hard wrap inside a word.
        let line = "No deployments available for selected model, Try again in 60 sec";
        let n = normalize(&format!("{line}\nonds. Passed model=gpt-4o"));
        assert!(
            n.joined.as_deref().unwrap().contains("60 seconds. Passed"),
            "{n:?}"
        );
        assert!(n.spaced.contains("60 sec onds."));
        assert_eq!(n.forms().count(), 3);
    }
}
