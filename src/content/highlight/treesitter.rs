//! Highlighting with tree-sitter grammars for the configuration languages error pages show
//! most (YAML, JSON, TOML): one parse of the whole block and the grammar crate's own highlight
//! query, where syntect's YAML grammar runs a backtracking regex VM on every line.

use std::cell::RefCell;
use std::cmp::Reverse;
use std::sync::OnceLock;

use pulldown_cmark_escape::escape_html_body_text;
use tree_sitter::{Language, Parser, Query, QueryCursor, StreamingIterator};

use super::PALETTE;

/// A language highlighted with tree-sitter.
struct Spec {
    /// The fence languages that name it.
    names: &'static [&'static str],
    language: fn() -> Language,
    query: &'static str,
    /// The query's capture names that get a palette class. A capture not listed stays plain
    /// (punctuation, operators, escapes inside strings). A node captured by several patterns
    /// takes the class listed last here, whatever the order of the query's patterns (YAML's
    /// query gives a key `@string` before `@property`, JSON's `@string.special.key` before
    /// `@string`).
    captures: &'static [(&'static str, &'static str)],
}

const SPECS: [Spec; 3] = [
    Spec {
        names: &["yaml", "yml"],
        language: || tree_sitter_yaml::LANGUAGE.into(),
        query: tree_sitter_yaml::HIGHLIGHTS_QUERY,
        captures: &[
            ("string", "s"),
            ("comment", "c"),
            ("number", "n"),
            ("boolean", "n"),
            ("constant.builtin", "n"),
            // Anchors and aliases, as syntect's `entity.name.other.anchor`.
            ("label", "v"),
            // Tags (`!!str`) and directives (`%YAML 1.2`), as syntect's `storage` and `keyword`.
            ("type", "k"),
            ("attribute", "k"),
            ("property", "t"),
        ],
    },
    Spec {
        names: &["json", "jsonc"],
        language: || tree_sitter_json::LANGUAGE.into(),
        query: tree_sitter_json::HIGHLIGHTS_QUERY,
        captures: &[
            ("string", "s"),
            ("comment", "c"),
            ("number", "n"),
            ("constant.builtin", "n"),
            ("string.special.key", "t"),
        ],
    },
    Spec {
        names: &["toml"],
        language: || tree_sitter_toml_ng::LANGUAGE.into(),
        query: tree_sitter_toml_ng::HIGHLIGHTS_QUERY,
        // `@property` is left out: the query puts it on a whole `key = value` pair, and every
        // bare key (`@type`), table names included, is a key already.
        captures: &[
            ("string", "s"),
            ("comment", "c"),
            ("number", "n"),
            ("boolean", "n"),
            // Dates and times, as syntect's `constant.other.datetime`.
            ("string.special", "n"),
            ("type", "t"),
        ],
    },
];

/// A language's parser table, its highlight query and what each capture paints.
pub(super) struct Grammar {
    language: Language,
    query: Query,
    /// By capture index: the palette class (1-based, as in the TextMate path) and its rank
    /// among the classes of one node; `None` for a plain capture.
    paints: Vec<Option<(u8, u8)>>,
}

impl Grammar {
    fn new(spec: &Spec) -> Option<Grammar> {
        let language = (spec.language)();
        let query = Query::new(&language, spec.query).ok()?;
        let paints = query
            .capture_names()
            .iter()
            .map(|name| {
                let rank = spec.captures.iter().position(|(n, _)| n == name)?;
                let letter = spec.captures[rank].1;
                let class = PALETTE.iter().position(|(c, _)| *c == letter)? + 1;
                Some((class as u8, rank as u8))
            })
            .collect();
        Some(Grammar {
            language,
            query,
            paints,
        })
    }
}

/// The tree-sitter grammar for a fence's language; `None` for the languages left to syntect
/// (and if a query failed to compile, so syntect takes over).
pub(super) fn grammar_for(lang: &str) -> Option<&'static Grammar> {
    static GRAMMARS: [OnceLock<Option<Grammar>>; SPECS.len()] =
        [const { OnceLock::new() }; SPECS.len()];
    let i = SPECS
        .iter()
        .position(|s| s.names.iter().any(|n| n.eq_ignore_ascii_case(lang)))?;
    GRAMMARS[i].get_or_init(|| Grammar::new(&SPECS[i])).as_ref()
}

/// A captured node's bytes and what they are painted.
struct Token {
    start: usize,
    end: usize,
    rank: u8,
    class: u8,
}

/// A thread's parser, query cursor and buffers, reused from block to block.
struct Workspace {
    parser: Parser,
    cursor: QueryCursor,
    tokens: Vec<Token>,
    /// The class of every byte of the block (0: plain).
    classes: Vec<u8>,
}

thread_local! {
    static WORKSPACE: RefCell<Workspace> = RefCell::new(Workspace {
        parser: Parser::new(),
        cursor: QueryCursor::new(),
        tokens: Vec::new(),
        classes: Vec::new(),
    });
}

/// Appends the highlighted block to `out`, or returns false (with part of it appended) when
/// the block does not parse: syntect's line-by-line grammars cope better with broken input,
/// which error pages often show.
pub(super) fn highlight(out: &mut String, code: &str, grammar: &Grammar) -> bool {
    WORKSPACE
        .with_borrow_mut(|ws| {
            ws.parser.set_language(&grammar.language).ok()?;
            let tree = ws.parser.parse(code, None)?;
            let root = tree.root_node();
            if root.has_error() {
                return None;
            }
            ws.tokens.clear();
            let mut matches = ws.cursor.matches(&grammar.query, root, code.as_bytes());
            while let Some(found) = matches.next() {
                for capture in found.captures {
                    if let Some(&Some((class, rank))) = grammar.paints.get(capture.index as usize) {
                        let bytes = capture.node.byte_range();
                        ws.tokens.push(Token {
                            start: bytes.start,
                            end: bytes.end,
                            rank,
                            class,
                        });
                    }
                }
            }
            // Nodes nest, so painting each after the ones that contain it lets the innermost
            // capture win; on one node, the highest rank is painted last.
            ws.tokens
                .sort_unstable_by_key(|t| (t.start, Reverse(t.end), t.rank));
            ws.classes.clear();
            ws.classes.resize(code.len(), 0);
            for token in &ws.tokens {
                ws.classes
                    .get_mut(token.start..token.end)?
                    .fill(token.class);
            }
            push_runs(out, code, &ws.classes);
            Some(())
        })
        .is_some()
}

/// The code as `<span class="hl-X">` runs of one class; plain text gets no span.
fn push_runs(out: &mut String, code: &str, classes: &[u8]) {
    let mut open = 0;
    let mut from = 0;
    for (i, &class) in classes.iter().enumerate() {
        // Node boundaries fall between characters; the check keeps slicing panic-free.
        if class == open || !code.is_char_boundary(i) {
            continue;
        }
        let _ = escape_html_body_text(&mut *out, &code[from..i]);
        from = i;
        super::switch_span(out, open, class);
        open = class;
    }
    let _ = escape_html_body_text(&mut *out, &code[from..]);
    super::switch_span(out, open, 0);
}
