//! The YAML of a config, read as leniently as PyYAML (which the proxy loads configs with) where
//! the YAML 1.2 parser is stricter: inside a flow collection (`[...]`, `{...}`) PyYAML checks
//! no indentation, so a closing `]` at the indentation of its key, which real configs write,
//! loads there, while saphyr-parser stops with "invalid indentation".
//!
//! On that error inside a flow collection the offending line is joined to the previous one,
//! moving the line break to its end so that the text keeps its length and every other line
//! its number, and the document is parsed again.
//!
//! Tabs go the other way: PyYAML skips only spaces between tokens, so a tab outside a quoted
//! string, a block scalar or a comment stops it ("found character '\t' that cannot start any
//! token", trailing tabs included), where YAML 1.2 takes a tab as white space.

use crate::source::SourceFile;
use crate::yaml::{self, Limits, Node, YamlError};

/// Most lines joined in one document before the first error is reported as is.
const MAX_JOINS: usize = 32;

pub fn parse(file: &SourceFile) -> Result<Node, YamlError> {
    let node = lenient_parse(file)?;
    if let Some(tab) = file
        .text
        .contains('\t')
        .then(|| stray_tab(&file.text))
        .flatten()
    {
        return Err(YamlError {
            rule: "yaml-syntax",
            message: "found character '\\t' that cannot start any token (PyYAML, which the proxy \
                      loads configs with, takes only spaces between tokens)"
                .to_string(),
            span: tab..tab + 1,
        });
    }
    Ok(node)
}

fn lenient_parse(file: &SourceFile) -> Result<Node, YamlError> {
    let first = match yaml::parse(file, 0..file.text.len(), Limits::default()) {
        Ok(node) => return Ok(node),
        Err(e) => e,
    };
    let mut error = first.clone();
    let mut text = file.text.clone();
    for _ in 0..MAX_JOINS {
        if error.rule != "yaml-syntax" || !error.message.contains("indentation") {
            return Err(first);
        }
        let Some(joined) = join_flow_line(&text, error.span.start) else {
            return Err(first);
        };
        text = joined;
        let retry = SourceFile::new(file.path.clone(), text.clone());
        match yaml::parse(&retry, 0..retry.text.len(), Limits::default()) {
            Ok(node) => return Ok(node),
            Err(e) => error = e,
        }
    }
    Err(first)
}

/// `text` with the line holding `offset` joined to the previous line, when that line starts
/// inside a flow collection: "A\n  ]\nB" becomes "A  ]\n\nB".
fn join_flow_line(text: &str, offset: usize) -> Option<String> {
    let offset = offset.min(text.len());
    let start = text[..offset].rfind('\n')? + 1;
    // PyYAML rejects a tab where a token should start, in flow context too.
    let indent = &text[start..];
    let indent = &indent[..indent.len() - indent.trim_start().len()];
    if flow_depth(&text[..start]) == 0 || indent.contains('\t') {
        return None;
    }
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let mut joined = String::with_capacity(text.len());
    joined.push_str(&text[..start - 1]);
    joined.push_str(&text[start..end]);
    joined.push('\n');
    joined.push_str(&text[end..]);
    Some(joined)
}

/// Offset of the first tab PyYAML stops at: one outside quoted strings, comments and the
/// content lines of block scalars (`|`, `>`).
fn stray_tab(text: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    // Indentation of the line that opened the block scalar being read.
    let mut block_parent: Option<usize> = None;
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let offset = line_start;
        line_start += line.len();
        let indent = line.len() - line.trim_start_matches(' ').len();
        if let Some(parent) = block_parent {
            if line.trim().is_empty() && !line.contains('\t') || indent > parent {
                continue;
            }
            block_parent = None;
        }
        let mut previous = ' ';
        let mut content_end = line.trim_end().len();
        let mut chars = line.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            match (quote, c) {
                (Some('"'), '\\') => {
                    chars.next();
                }
                (Some(q), _) if c == q => {
                    if q == '\'' && chars.peek().is_some_and(|&(_, n)| n == '\'') {
                        chars.next();
                    } else {
                        quote = None;
                    }
                }
                (Some(_), _) => {}
                (None, '\t') => return Some(offset + i),
                (None, '#') if previous == ' ' => {
                    content_end = line[..i].trim_end().len();
                    break;
                }
                (None, '"' | '\'') if matches!(previous, ' ' | '[' | '{' | ',') => quote = Some(c),
                _ => {}
            }
            previous = c;
        }
        if quote.is_none() && opens_block_scalar(&line[..content_end]) {
            block_parent = Some(indent);
        }
    }
    None
}

/// Whether a line ends with a block scalar indicator (`key: |`, `- >-`, `|2`).
fn opens_block_scalar(content: &str) -> bool {
    let head = content.trim_end_matches(|c: char| c == '+' || c == '-' || c.is_ascii_digit());
    let Some(before) = head.strip_suffix(['|', '>']) else {
        return false;
    };
    before.trim().is_empty() || before.ends_with(": ") || before.ends_with("- ")
}

/// How many flow collections are open at the end of `text`, skipping quoted strings and
/// comments (an approximation: brackets inside plain scalars count too).
fn flow_depth(text: &str) -> usize {
    let mut depth = 0usize;
    let mut chars = text.chars().peekable();
    let mut previous = '\n';
    while let Some(c) = chars.next() {
        match c {
            '#' if previous.is_whitespace() => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
                previous = '\n';
                continue;
            }
            '"' | '\'' if depth > 0 || previous.is_whitespace() || previous == ':' => {
                while let Some(q) = chars.next() {
                    if q == '\\' && c == '"' {
                        chars.next();
                    } else if q == c {
                        if c == '\'' && chars.peek() == Some(&'\'') {
                            chars.next();
                        } else {
                            break;
                        }
                    }
                }
            }
            '[' | '{' => depth += 1,
            ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        previous = c;
    }
    depth
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closing_bracket_at_the_key_indentation_loads_as_with_pyyaml() {
        let text = "router_settings:\n  fallbacks: [\n    { \"a\": [\"b\"] },\n    { \"c\": [\"d\"] }\n  ]\nlitellm_settings:\n  drop_params: true\n";
        let file = SourceFile::new("c.yaml", text);
        assert!(yaml::parse(&file, 0..text.len(), Limits::default()).is_err());
        let node = parse(&file).expect("PyYAML loads it");
        let router = node.get("router_settings").unwrap();
        assert_eq!(router.get("fallbacks").unwrap().as_seq().unwrap().len(), 2);
        // Later lines keep their offsets.
        let drop = node
            .get("litellm_settings")
            .unwrap()
            .get("drop_params")
            .unwrap();
        assert_eq!(file.line_col(drop.span.start), (7, 16));
    }

    #[test]
    fn block_indentation_errors_stay_errors() {
        let file = SourceFile::new("c.yaml", "a:\n    b: 1\n  c: 2\n");
        assert!(parse(&file).is_err());
        assert_eq!(flow_depth("a: '[x'\nb: [1, \"]\""), 1);
        // A tab where a token starts fails in PyYAML, inside a flow collection too.
        let tab = SourceFile::new("c.yaml", "a: {\n  \"b\": 1,\n\t\"c\": 2\n  }\n");
        assert!(parse(&tab).is_err());
    }

    #[test]
    fn tabs_fail_where_pyyaml_fails_them() {
        // Each case checked against PyYAML 6.0.4's safe_load.
        for (text, column) in [
            ("a: b\tc\n", 5),
            ("a: b\t\n", 5),
            ("a: 1 \t\n", 6),
            ("a:\n  - x\t\n", 6),
            ("a: [x\ty]\n", 6),
            ("a: 1\n\t# c\n", 1),
            ("a: |\n  x\nb: 1\t\n", 5),
        ] {
            let file = SourceFile::new("c.yaml", text);
            let error = parse(&file).expect_err(text);
            assert_eq!(file.line_col(error.span.start).1, column, "{text:?}");
        }
        for text in [
            "a: \"x\ty\"\n",
            "a: 'x\ty'\n",
            "a: |\n  x\n  \ty\n",
            "a: >-\n  x\n\n  \ty\nb: 1\n",
            "a: 1 # x\ty\n",
            "a: \"x\n  \ty\"\n",
        ] {
            assert!(parse(&SourceFile::new("c.yaml", text)).is_ok(), "{text:?}");
        }
    }
}
