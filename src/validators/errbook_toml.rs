//! The `errbook-toml` validator: an errbook site config (`errbook.toml`), checked by the same
//! loader `errbook build` uses, so the widget and the build never disagree.

use super::{ConfigValidator, Finding, MAX_INPUT_BYTES, RuleInfo};
use crate::config::{CONFIG_FILE, SiteConfig};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::SourceFile;

/// Deepest nesting of arrays and inline tables accepted. Real configs nest two or three
/// levels; the bound keeps hostile input from exhausting the parser's stack.
const MAX_DEPTH: usize = 64;

pub struct ErrbookToml;

const RULES: &[RuleInfo] = &[
    RuleInfo {
        validator: "errbook-toml",
        id: "config-syntax",
        severity: Severity::Error,
        summary: "the file is not valid TOML, or a value has the wrong type or is missing",
        page: None,
    },
    RuleInfo {
        validator: "errbook-toml",
        id: "unknown-field",
        severity: Severity::Error,
        summary: "a key errbook does not know, usually a misspelling (with a did-you-mean)",
        page: None,
    },
    RuleInfo {
        validator: "errbook-toml",
        id: "bad-config",
        severity: Severity::Error,
        summary: "a known key with a value errbook cannot use",
        page: None,
    },
    RuleInfo {
        validator: "errbook-toml",
        id: "input-too-large",
        severity: Severity::Error,
        summary: "the config is larger than 1 MiB and was not checked",
        page: None,
    },
    RuleInfo {
        validator: "errbook-toml",
        id: "input-too-deep",
        severity: Severity::Error,
        summary: "arrays or inline tables nest deeper than 64 levels; the config was not checked",
        page: None,
    },
];

impl ConfigValidator for ErrbookToml {
    fn id(&self) -> &'static str {
        "errbook-toml"
    }

    fn title(&self) -> &'static str {
        "errbook site config (errbook.toml)"
    }

    fn rules(&self) -> &'static [RuleInfo] {
        RULES
    }

    fn validate(&self, text: &str) -> Vec<Finding> {
        if text.len() > MAX_INPUT_BYTES {
            return vec![finding(
                "input-too-large",
                format!(
                    "the config is {} bytes; at most {MAX_INPUT_BYTES} are checked",
                    text.len()
                ),
                1,
                1,
                None,
            )];
        }
        let file = SourceFile::new(CONFIG_FILE, text);
        if let Some(offset) = too_deep(text) {
            let (line, column) = file.line_col(offset);
            return vec![finding(
                "input-too-deep",
                format!("arrays or inline tables nest deeper than {MAX_DEPTH} levels here"),
                line,
                column,
                None,
            )];
        }
        match SiteConfig::parse(&file) {
            Ok(_) => Vec::new(),
            Err(mut diagnostics) => {
                Diagnostic::sort(&mut diagnostics);
                diagnostics.into_iter().map(from_diagnostic).collect()
            }
        }
    }
}

fn from_diagnostic(d: Diagnostic) -> Finding {
    // The loader's rules are all listed above; anything else is reported as a syntax problem
    // rather than under an id the API does not document.
    let rule = RULES
        .iter()
        .find(|r| r.id == d.rule)
        .map_or("config-syntax", |r| r.id);
    let mut f = finding(rule, d.message, d.line, d.column, d.help);
    f.severity = d.severity;
    f
}

fn finding(
    rule: &'static str,
    message: String,
    line: usize,
    column: usize,
    help: Option<String>,
) -> Finding {
    let info = RULES
        .iter()
        .find(|r| r.id == rule)
        .expect("rules are listed");
    Finding {
        rule,
        severity: info.severity,
        message,
        line,
        column,
        help,
        url: info.url(),
        page: None,
        file: None,
        refused: false,
    }
}

/// Byte offset where `[`/`{` nesting first exceeds [`MAX_DEPTH`], outside strings and
/// comments. Table headers (`[a]`, `[[a]]`) open and close on their line, so they count
/// only while open.
fn too_deep(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '#' => {
                for (_, c) in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '"' | '\'' => {
                let multi = text[i..].starts_with(if c == '"' { "\"\"\"" } else { "'''" });
                let close = if multi {
                    if c == '"' { "\"\"\"" } else { "'''" }
                } else if c == '"' {
                    "\""
                } else {
                    "'"
                };
                let start = i + if multi { 3 } else { 1 };
                let end = find_close(text, start, close, c == '"', multi);
                // Skip to the end of the string (or of the text when it is unterminated).
                while chars.peek().is_some_and(|&(j, _)| j < end) {
                    chars.next();
                }
            }
            '[' | '{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(i);
                }
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// Offset just past the closing quote of a string whose body starts at `start`.
fn find_close(text: &str, start: usize, close: &str, escapes: bool, multi: bool) -> usize {
    let bytes = text.as_bytes();
    let mut i = start;
    while i < bytes.len() {
        if escapes && bytes[i] == b'\\' {
            i += 2;
            continue;
        }
        if !multi && bytes[i] == b'\n' {
            return i;
        }
        if text[i..].starts_with(close) {
            return i + close.len();
        }
        i += 1;
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> Vec<Finding> {
        ErrbookToml.validate(text)
    }

    #[test]
    fn a_good_config_has_no_findings() {
        let text = "title = \"KB\"\nbase_url = \"https://kb.example.org/\"\n\n[[categories]]\nid = \"rate-limit\"\nname = \"Rate limits\"\n";
        assert_eq!(check(text), Vec::new());
    }

    #[test]
    fn unknown_keys_are_located_with_a_suggestion() {
        let f = &check("title = \"KB\"\nbase_url = \"https://x.org/\"\nouput_dir = \"out\"\n")[0];
        assert_eq!((f.rule, f.line, f.column), ("unknown-field", 3, 1));
        assert_eq!(f.help.as_deref(), Some("did you mean `output_dir`?"));
        assert_eq!(f.url, "/validators/errbook-toml/#unknown-field");
    }

    #[test]
    fn bad_values_and_syntax_are_reported() {
        let f = &check("title = \"KB\"\nbase_url = \"ftp://x.org/\"\n")[0];
        assert_eq!((f.rule, f.line), ("bad-config", 2));
        let f = &check("title = \"KB\nbase_url = 1\n")[0];
        assert_eq!((f.rule, f.line), ("config-syntax", 1));
        let f = &check("title = \"KB\"\n")[0];
        assert_eq!(f.rule, "config-syntax");
        assert!(f.message.contains("base_url"), "{}", f.message);
    }

    #[test]
    fn hostile_input_is_refused_not_parsed() {
        let deep = format!("x = {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        let found = check(&deep);
        assert_eq!(
            (found[0].rule, found[0].line, found[0].column),
            ("input-too-deep", 1, 69)
        );
        assert!(super::super::refusal(&found).is_some());
        let big = "#".repeat(MAX_INPUT_BYTES + 1);
        assert_eq!(check(&big)[0].rule, "input-too-large");
    }

    #[test]
    fn brackets_inside_strings_and_comments_do_not_count() {
        let text = format!(
            "title = \"{}\"\nbase_url = 'https://x.org/' # {}\ndescription = \"\"\"{}\"\"\"\n",
            "[".repeat(200),
            "{".repeat(200),
            "[\\\"".repeat(100)
        );
        assert_eq!(check(&text), Vec::new());
    }
}
