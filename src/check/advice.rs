//! Generic advice: the vocabulary of troubleshooting filler that would fit any error, and the
//! test of whether a fix names anything more specific than that.
//!
//! The vocabulary was collected from real filler: the seed page's quick fixes, platform checks,
//! steps and prevention tips (`/work/shared/seeds/`), consumer "how to fix any error" articles
//! ("turn it off and on again", "update the program", "reinstall the program", "ask for help",
//! "work around the problem and wait for a fix"), the error tables of API providers ("retry
//! your request after a brief delay, contact support if the issue persists", "check network,
//! lower concurrency, retry", "slow down, wait for reset, or upgrade") and a package manager's
//! "try again later". A fix made only of these words (and of the tool's own name) is advice
//! that would fit any error; one word outside them, a number, a path or identifier, or a code
//! span that is more than one such word, names something about this error.

use std::sync::OnceLock;

use crate::check::text::fingerprint;
use crate::content::Page;
use crate::content::markdown::Item;
use crate::content::page::Signature;

/// Function words: never specific.
const STOP: &[&str] = &[
    "a", "about", "after", "again", "all", "also", "an", "and", "any", "are", "as", "at", "be",
    "been", "before", "being", "below", "but", "by", "can", "could", "did", "do", "does", "don",
    "each", "either", "every", "first", "for", "from", "get", "has", "have", "here", "how", "if",
    "in", "into", "is", "it", "its", "just", "let", "may", "might", "more", "most", "much", "must",
    "my", "no", "not", "now", "of", "on", "once", "one", "only", "or", "other", "our", "out",
    "over", "same", "should", "so", "some", "such", "than", "that", "the", "their", "them", "then",
    "there", "these", "they", "this", "those", "through", "to", "too", "until", "up", "us", "use",
    "using", "very", "was", "we", "were", "what", "when", "where", "whether", "which", "while",
    "who", "why", "will", "with", "within", "without", "would", "you", "your",
];

/// The words of generic troubleshooting advice, from the filler named in the module comment.
/// Singular forms; a trailing "s", "es", "ed" or "ing" is also tried.
const GENERIC: &[&str] = &[
    // The seed page's fixes, checks, steps and tips.
    "account",
    "action",
    "add",
    "api",
    "apply",
    "appear",
    "auth",
    "avoid",
    "backoff",
    "capture",
    "cause",
    "change",
    "check",
    "ci",
    "client",
    "command",
    "compare",
    "configuration",
    "confirm",
    "credential",
    "data",
    "delete",
    "depend",
    "deployment",
    "diagnostic",
    "document",
    "documented",
    "editor",
    "environment",
    "error",
    "evidence",
    "exact",
    "extension",
    "fail",
    "failing",
    "failure",
    "fix",
    "immediate",
    "instead",
    "involved",
    "keep",
    "level",
    "lightweight",
    "local",
    "match",
    "message",
    "model",
    "name",
    "path",
    "plan",
    "pressure",
    "produce",
    "production",
    "project",
    "provider",
    "quota",
    "rate",
    "record",
    "reduce",
    "repeat",
    "repeated",
    "request",
    "rerun",
    "retry",
    "review",
    "runtime",
    "scope",
    "secret",
    "setting",
    "signature",
    "smallest",
    "source",
    "state",
    "team",
    "time",
    "tool",
    "trigger",
    "triggered",
    "understood",
    "verify",
    "version",
    "workflow",
    "working",
    "limit",
    "config",
    // Consumer "fix any error" articles.
    "ask",
    "around",
    "browser",
    "cache",
    "clear",
    "computer",
    "cookie",
    "google",
    "help",
    "install",
    "program",
    "reinstall",
    "restart",
    "search",
    "turn",
    "update",
    "upgrade",
    "wait",
    "work",
    "software",
    "device",
    "app",
    "application",
    "latest",
    "new",
    "newer",
    "reboot",
    "off",
    "screenshot",
    "backup",
    "observe",
    "note",
    // API providers' error tables and a package manager's "try again later".
    "brief",
    "concurrency",
    "connection",
    "contact",
    "delay",
    "detail",
    "down",
    "ensure",
    "fast",
    "formatted",
    "include",
    "included",
    "internet",
    "issue",
    "key",
    "later",
    "log",
    "lower",
    "network",
    "ongoing",
    "page",
    "parameter",
    "persist",
    "persists",
    "problem",
    "properly",
    "reach",
    "report",
    "required",
    "reset",
    "server",
    "service",
    "slow",
    "stable",
    "status",
    "support",
    "sure",
    "temporary",
    "try",
    "usage",
    "usual",
    "usually",
    "valid",
    "visit",
    "documentation",
    "guide",
    "make",
    "correct",
    "recreate",
    "clears",
    "console",
    "dashboard",
    "need",
    "needed",
];

/// Hashes of [`STOP`] and [`GENERIC`], sorted for binary search.
fn not_specific() -> &'static [u64] {
    static HASHES: OnceLock<Vec<u64>> = OnceLock::new();
    HASHES.get_or_init(|| {
        let mut hashes: Vec<u64> = STOP.iter().chain(GENERIC).map(|w| fingerprint(w)).collect();
        hashes.sort_unstable();
        hashes.dedup();
        hashes
    })
}

/// Whether a lowercased word is a function word or generic advice, also under its
/// inflections.
fn is_generic_word(word: &str, tool: &str) -> bool {
    let known = |w: &str| !w.is_empty() && not_specific().binary_search(&fingerprint(w)).is_ok();
    if word.len() < 3 || word == tool || known(word) {
        return true;
    }
    ["s", "es", "ed", "d", "ing"]
        .iter()
        .any(|suffix| word.strip_suffix(suffix).is_some_and(known))
}

/// Whether a token of prose has the shape of something specific: a number, a version, a
/// port, a path, a file name, a key or an identifier (`next.config.js`, `~/.ssh`, `22H1`).
fn is_specific_token(token: &str) -> bool {
    let token = token.trim_matches(|c: char| !c.is_alphanumeric() && c != '~' && c != '/');
    if token.bytes().any(|b| b.is_ascii_digit()) {
        return true;
    }
    // "e.g." and "i.e." are punctuation, not identifiers.
    if token.len() <= 4 && token.contains('.') {
        return false;
    }
    let inner = token.trim_matches(|c: char| !c.is_alphanumeric());
    // A path (`~/.ssh`, `/etc/docker`), not two words joined by a slash ("provider/tool").
    let path = token.starts_with(['/', '~']) || token.contains("/.") || token.contains("./");
    // camelCase identifiers (`useEffect`); capitalised brand names (GitHub, LiteLLM) are
    // words like any other.
    path || inner.contains(['.', '_', '=', '@', '$', '%', '<', '>', '\\'])
        || inner.starts_with(|c: char| c.is_ascii_lowercase())
            && inner
                .as_bytes()
                .windows(2)
                .any(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase())
}

/// The text with every literal signature of the page cut out: "confirm the exact error
/// matches <the signature>" names nothing the reader did not already paste.
fn without_signatures(text: &str, literals: &[&str]) -> String {
    let mut text = text.to_string();
    for literal in literals {
        let literal = literal.trim().trim_end_matches('.');
        if literal.is_empty() || !literal.is_ascii() || !text.is_ascii() {
            continue;
        }
        let lower = text.to_ascii_lowercase();
        if let Some(at) = lower.find(&literal.to_ascii_lowercase()) {
            text.replace_range(at..at + literal.len(), " ");
        }
    }
    text
}

/// Whether a fix names something specific to this error rather than advice that fits any.
pub fn is_specific(fix: &Item, page: &Page) -> bool {
    let literals: Vec<&str> = page
        .front
        .signatures
        .iter()
        .filter_map(|s| match &s.value {
            Signature::Literal(text) => Some(text.as_str()),
            Signature::Regex { .. } => None,
        })
        .collect();
    names_specifics(fix, &page.tool.to_lowercase(), &literals)
}

/// [`is_specific`] for a page of the tool `tool` (lowercase) with these literal signatures.
fn names_specifics(fix: &Item, tool: &str, literals: &[&str]) -> bool {
    // A code span of one generic word (`config`, `logs`) names nothing; a command or a key
    // does.
    let specific_code = fix.code_spans.iter().any(|code| {
        let code = code.trim();
        let lower = code.to_lowercase();
        code.contains(|c: char| !c.is_alphanumeric()) || !is_generic_word(&lower, tool)
    });
    if specific_code || fix.has_code && fix.code_spans.is_empty() {
        return true;
    }
    let title = fix.title.as_deref().unwrap_or_default();
    let prose = without_signatures(&format!("{title} {}", fix.text), literals);
    if prose.split_whitespace().any(is_specific_token) {
        return true;
    }
    any_lowercase_word(&prose, &mut String::new(), |word| {
        !is_generic_word(word, tool)
    })
}

/// Calls `each` with every word of `text`, lowercased (the words of [`crate::check::normalize`]),
/// until it returns true; `word` is the reused buffer. Returns whether one did.
pub fn any_lowercase_word(
    text: &str,
    word: &mut String,
    mut each: impl FnMut(&str) -> bool,
) -> bool {
    word.clear();
    for c in text.chars().chain([' ']) {
        if c.is_ascii_alphanumeric() {
            word.push(c.to_ascii_lowercase());
        } else if c.is_alphanumeric() {
            word.extend(c.to_lowercase());
        } else if !word.is_empty() {
            if each(word) {
                return true;
            }
            word.clear();
        }
    }
    false
}

/// The stem of a lowercased word that can tie a fix to a cause: at least four letters, not a
/// function word, generic advice or the tool's name; inflections removed and cut to six
/// letters, so that "nested" meets "nesting" and "suspends" meets "suspension".
pub fn distinctive_stem<'w>(word: &'w str, tool: &str) -> Option<&'w str> {
    if word.len() < 4 || !word.is_ascii() || is_generic_word(word, tool) {
        return None;
    }
    let base = ["ing", "ed", "es", "s"]
        .iter()
        .find_map(|suffix| word.strip_suffix(suffix).filter(|b| b.len() >= 4))
        .unwrap_or(word);
    Some(&base[..base.len().min(6)])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(title: Option<&str>, text: &str) -> Item {
        let mut code_spans = Vec::new();
        let mut rest = text;
        while let Some((_, after)) = rest.split_once('`') {
            let Some((code, next)) = after.split_once('`') else {
                break;
            };
            code_spans.push(code.to_string());
            rest = next;
        }
        Item {
            title: title.map(Box::from),
            text: text.replace('`', "").into(),
            has_code: !code_spans.is_empty(),
            code_spans: code_spans.into(),
            ..Item::default()
        }
    }

    const SEED_SIGNATURE: &str = "LiteLLM rate limit errors cause proxy to crash/fail instead of falling back to secondary model group";

    /// Real filler, word for word: the seed page (its fixes, checks, steps and tips), consumer
    /// "fix any error" articles, API providers' error tables, a package manager's and a
    /// package-manager FAQ's "try again later".
    const GENERIC_ADVICE: &[&str] = &[
        "Confirm the exact error signature matches LiteLLM rate limit errors cause proxy to crash/fail instead of falling back to secondary model group.",
        "Check the LiteLLM account, local tool state, and provider configuration involved in the failing workflow.",
        "Reduce request pressure, check quota or plan limits, and retry with backoff instead of immediate repeated requests.",
        "Verify the command, editor, extension, or API client that produced the error.",
        "Compare local settings with CI, deployment, or editor-level settings when the error appears in only one environment.",
        "Capture the exact error message and the command, editor action, or request that triggered it.",
        "Apply one change at a time and rerun the smallest failing action.",
        "Keep the working fix documented for the team or deployment environment.",
        "Keep provider/tool configuration documented.",
        "Turn it off and on again",
        "Update the program",
        "Update all of your programs",
        "Google search the error message",
        "Reinstall the program",
        "Ask for help",
        "Work around the problem and wait for a fix",
        "Retry your request after a brief delay. Contact support if issue persists",
        "Check network, lower concurrency, retry",
        "Slow down, wait for reset, or upgrade",
        "Usually clears fast; retry",
        "Check the key status in Console, recreate if needed",
        "Clear your browser cache and cookies",
        "Retry from a stable network before reporting the problem.",
        "Check the `config` and the `logs`.",
    ];

    /// Fixes from the labelled corpus and the issue that name something specific in prose.
    const SPECIFIC: &[&str] = &[
        "Don't connect to this host.",
        "Ask the package maintainers to loosen their dependencies, or fork the package and loosen them yourself.",
        "Reduce connection use by background jobs and schedule connection-heavy jobs at different times.",
        "Ask your network administrator to allow outgoing SSH connections on port 22.",
        "Increase `statement_timeout` for the role.",
        "Delete Pods you do not need, adjust the resource requests, or add new nodes to the cluster.",
        "Update to Windows 10 22H1 or newer.",
        "Close leaked or unnecessary application connections and reduce oversized client pools.",
        "Render the same content on the server and in the first client render, then switch in a useEffect hook.",
        "Add the host to images.remotePatterns in next.config.js.",
        "Check the failing service with `systemctl status docker`.",
    ];

    #[test]
    fn real_filler_is_generic() {
        for text in GENERIC_ADVICE {
            assert!(
                !names_specifics(&fix(None, text), "litellm", &[SEED_SIGNATURE]),
                "{text}"
            );
        }
        let npm = fix(None, "Check npm's server status and try again later.");
        assert!(!names_specifics(&npm, "npm", &[]));
    }

    #[test]
    fn fixes_that_name_something_pass_without_code() {
        for text in SPECIFIC {
            assert!(names_specifics(&fix(None, text), "demo", &[]), "{text}");
        }
        // A title counts as much as the text.
        assert!(names_specifics(
            &fix(Some("Use the connection pooler"), "Do it."),
            "demo",
            &[]
        ));
    }

    #[test]
    fn shapes_of_specific_tokens() {
        for token in [
            "22H1",
            "443",
            "next.config.js",
            "~/.ssh",
            "useEffect",
            "KEY=value",
            "v1.18",
        ] {
            assert!(is_specific_token(token), "{token}");
        }
        for token in [
            "e.g.",
            "i.e.,",
            "GitHub",
            "LiteLLM",
            "(retry)",
            "well-known",
        ] {
            assert!(!is_specific_token(token), "{token}");
        }
    }
}
