//! Partial matches of cut-off pastes: a paste that ends inside a signature's message (an app
//! truncated the error text) still names the signature, as long as it holds the signature's
//! literal start.
//!
//! For a regex signature `L R` whose top level starts with a literal run `L` of at least
//! [`MIN_LEAD_CHARS`] characters, the partial pattern is `L(?:P)$`, where `P` matches every
//! prefix of every text `R` matches (the prefix closure of `R`), so the pattern matches when the
//! paste ends anywhere after `L` without having left the signature. It is built here, as text,
//! from the regex's syntax tree, exported with the index and compiled as is by the browser:
//! both engines run the same pattern. For a literal signature the paste must end with a prefix
//! of the literal at least [`MIN_LEAD_CHARS`] long.
//!
//! Only the last [`TAIL_CHARS`] characters of each form of the paste are tried, after
//! [`trim_cut`] removes what apps append to a cut (whitespace, `...`, `…`, `[truncated]`, closing
//! quotes and brackets).

use regex_syntax::ast::{self, Ast, Group, GroupKind, RepetitionKind, RepetitionRange};

/// A partial match needs at least this much of the signature's literal start.
pub const MIN_LEAD_CHARS: usize = 16;

/// The part of a paste a cut-off message can be in.
pub const TAIL_CHARS: usize = 8192;

/// The partial pattern of a regex signature and its literal start (lowercased, to look for in
/// a paste's tail before the pattern runs); `None` when the regex does not parse or does not
/// start with a long enough literal run.
pub fn partial_pattern(pattern: &str) -> Option<(String, String)> {
    let ast = ast::parse::Parser::new().parse(pattern).ok()?;
    let items: Vec<&Ast> = match &ast {
        Ast::Concat(concat) => concat.asts.iter().collect(),
        _ => return None,
    };
    let mut lead = items
        .iter()
        .take_while(|a| matches!(a, Ast::Literal(_)))
        .count();
    // A cut paste has its trailing spaces trimmed: the lead ends on a non-space.
    while lead > 0 && matches!(items[lead - 1], Ast::Literal(lit) if lit.c.is_whitespace()) {
        lead -= 1;
    }
    // Each literal item is one character.
    if lead < MIN_LEAD_CHARS || lead == items.len() {
        return None;
    }
    let lead_text = &pattern[items[0].span().start.offset..items[lead - 1].span().end.offset];
    let lead_chars: String = items[..lead]
        .iter()
        .filter_map(|a| match a {
            Ast::Literal(lit) => Some(lit.c),
            _ => None,
        })
        .collect();
    Some((
        format!("{lead_text}(?:{})$", closure_of(&items[lead..], pattern)),
        lead_chars.to_lowercase(),
    ))
}

/// The text of `ast` with capture groups made non-capturing (the closure repeats parts of the
/// pattern, and a name may appear only once).
fn full(ast: &Ast, src: &str) -> String {
    match ast {
        Ast::Group(group) => regroup(group, src, &full(&group.ast, src)),
        Ast::Concat(concat) => concat.asts.iter().map(|a| full(a, src)).collect(),
        Ast::Alternation(alt) => {
            let branches: Vec<String> = alt.asts.iter().map(|a| full(a, src)).collect();
            format!("(?:{})", branches.join("|"))
        }
        Ast::Repetition(rep) => format!(
            "(?:{}){}",
            full(&rep.ast, src),
            &src[rep.op.span.start.offset..rep.op.span.end.offset]
        ),
        other => src[other.span().start.offset..other.span().end.offset].to_string(),
    }
}

/// `inner` in a group like `group`, never capturing: its flags kept, its name dropped.
fn regroup(group: &Group, src: &str, inner: &str) -> String {
    match &group.kind {
        GroupKind::NonCapturing(flags) => format!(
            "(?{}:{inner})",
            &src[flags.span.start.offset..flags.span.end.offset]
        ),
        _ => format!("(?:{inner})"),
    }
}

/// A pattern matching exactly the prefixes of the texts `ast` matches (the empty one included).
fn closure(ast: &Ast, src: &str) -> String {
    match ast {
        // Zero-width items are dropped at the cut: what they test may lie after it.
        Ast::Empty(_) | Ast::Assertion(_) | Ast::Flags(_) => String::new(),
        Ast::Literal(_)
        | Ast::Dot(_)
        | Ast::ClassUnicode(_)
        | Ast::ClassPerl(_)
        | Ast::ClassBracketed(_) => {
            format!("(?:{})?", full(ast, src))
        }
        Ast::Group(group) => regroup(group, src, &closure(&group.ast, src)),
        Ast::Alternation(alt) => {
            let branches: Vec<String> = alt.asts.iter().map(|a| closure(a, src)).collect();
            format!("(?:{})", branches.join("|"))
        }
        Ast::Concat(concat) => closure_of(&concat.asts.iter().collect::<Vec<_>>(), src),
        Ast::Repetition(rep) => {
            let max = match &rep.op.kind {
                RepetitionKind::ZeroOrOne => Some(1),
                RepetitionKind::ZeroOrMore | RepetitionKind::OneOrMore => None,
                RepetitionKind::Range(RepetitionRange::AtLeast(_)) => None,
                RepetitionKind::Range(RepetitionRange::Exactly(n))
                | RepetitionKind::Range(RepetitionRange::Bounded(_, n)) => Some(*n),
            };
            let sub = full(&rep.ast, src);
            let rest = closure(&rep.ast, src);
            match max {
                Some(0) => String::new(),
                Some(1) => rest,
                Some(n) => format!("(?:{sub}){{0,{}}}{rest}", n - 1),
                None => format!("(?:{sub})*{rest}"),
            }
        }
    }
}

/// The closure of a sequence: a prefix of the first item, or the whole first item followed by
/// a prefix of the rest (nested, so the pattern grows linearly).
fn closure_of(items: &[&Ast], src: &str) -> String {
    match items {
        [] => String::new(),
        [only] => closure(only, src),
        [first, rest @ ..] => format!(
            "(?:{}{}|{})",
            full(first, src),
            closure_of(rest, src),
            closure(first, src)
        ),
    }
}

/// A paste's tail with what apps append to a cut removed: trailing whitespace, `...`, `…`,
/// `[truncated]`, `(truncated)` and closing quotes and brackets.
pub fn trim_cut(text: &str) -> &str {
    let mut rest = text;
    loop {
        let before = rest.len();
        // Normalized text has no other whitespace.
        rest = rest.trim_end_matches([' ', '\n']);
        for marker in ["...", "…", "[truncated]", "(truncated)"] {
            rest = rest.strip_suffix(marker).unwrap_or(rest);
        }
        rest = rest.trim_end_matches(['"', '\'', '}', ']', ')']);
        if rest.len() == before {
            return rest;
        }
    }
}

/// The last [`TAIL_CHARS`] characters of `text`.
pub fn tail(text: &str) -> &str {
    match text.char_indices().rev().nth(TAIL_CHARS - 1) {
        Some((at, _)) => &text[at..],
        None => text,
    }
}

/// Whether `text` (lowercase, cut-trimmed) ends with a prefix of `literal` (normalized,
/// lowercase) that is at least [`MIN_LEAD_CHARS`] long and starts at a word edge.
pub fn literal_partial(literal: &str, text: &str) -> bool {
    let ends: Vec<usize> = literal
        .char_indices()
        .map(|(i, c)| i + c.len_utf8())
        .collect();
    for (count, &end) in ends.iter().enumerate().rev() {
        if count + 1 < MIN_LEAD_CHARS {
            break;
        }
        if end == literal.len() {
            continue; // the whole literal is a full match, not a partial one
        }
        let prefix = &literal[..end];
        if let Some(before) = text.strip_suffix(prefix) {
            let starts_word = prefix.chars().next().is_some_and(char::is_alphanumeric);
            if !starts_word
                || !before
                    .chars()
                    .next_back()
                    .is_some_and(char::is_alphanumeric)
            {
                return true;
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn partial(pattern: &str, text: &str) -> bool {
        let re = regex::RegexBuilder::new(&partial_pattern(pattern).unwrap().0)
            .case_insensitive(true)
            .build()
            .unwrap();
        re.is_match(trim_cut(text))
    }

    #[test]
    fn a_paste_cut_inside_the_signature_matches_partially() {
        let sig = r"litellm\.RateLimitError: [^\n]*\. Received Model Group=\S+(?:\n|\\n)Available Model Group Fallbacks=None";
        // dyad-sh/dyad#1849: the app cut the proxy's message after "Available Model Group".
        let cut = "{\"error\":\"429 litellm.RateLimitError: AzureException RateLimitError - Your requests to gpt-5.1 have exceeded the token rate limit. Received Model Group=gpt-5.1\nAvailable Model Group";
        assert!(partial(sig, cut));
        assert!(partial(
            sig,
            "litellm.RateLimitError: quota exceeded. Rece..."
        ));
        // The paste left the signature before it ended: no partial match.
        assert!(!partial(
            sig,
            "litellm.RateLimitError: x. Received Model Group=a b c\nNext line"
        ));
        assert!(
            !partial(sig, "litellm.RateLimitErr"),
            "the literal start must be whole"
        );
    }

    #[test]
    fn closures_cover_groups_repetitions_and_alternations() {
        let sig = r"No deployments available for selected model, Try again in \d+(?:\.\d+)? seconds\.(?: [^.]+\.)? Passed model=(?P<model>\S+)\. pre-call-checks=\w+, (?:allowed_model_region=|cooldown_list=\[\()";
        let (p, lead) = partial_pattern(sig).unwrap();
        assert!(!p.contains("?P<"), "{p}");
        assert_eq!(
            lead,
            "no deployments available for selected model, try again in"
        );
        for cut in [
            "No deployments available for selected model, Try again in ",
            "No deployments available for selected model, Try again in 5.",
            "No deployments available for selected model, Try again in 5 seconds. Passed model=gpt-4o. pre-call-checks=False, cool",
        ] {
            assert!(partial(sig, cut), "{cut}");
        }
        assert!(!partial(
            sig,
            "No deployments available for selected model, Try again in x"
        ));
        assert_eq!(partial_pattern(r"\d+ short"), None);
        assert_eq!(partial_pattern("only literal text here"), None);
        assert_eq!(partial_pattern("(unclosed"), None);
    }

    #[test]
    fn cut_markers_are_trimmed() {
        assert_eq!(trim_cut("abc... \n"), "abc");
        assert_eq!(trim_cut("abc…\"}]"), "abc");
        assert_eq!(trim_cut("abc [truncated]"), "abc");
        assert_eq!(
            tail("é".repeat(TAIL_CHARS + 3).as_str()).chars().count(),
            TAIL_CHARS
        );
    }

    #[test]
    fn literals_match_partially_at_a_word_edge() {
        let lit = "missing anthropic api key - a call is being made to anthropic";
        assert!(literal_partial(
            lit,
            "error: missing anthropic api key - a call is"
        ));
        assert!(
            !literal_partial(lit, "error: missing anthr"),
            "shorter than the lead"
        );
        assert!(!literal_partial(
            lit,
            "xmissing anthropic api key - a call is"
        ));
        assert!(
            !literal_partial(lit, lit),
            "a whole literal is a full match"
        );
    }
}
