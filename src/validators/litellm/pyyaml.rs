//! The YAML of a config, read as leniently as PyYAML (which the proxy loads configs with) where
//! the YAML 1.2 parser is stricter: inside a flow collection (`[...]`, `{...}`) PyYAML checks
//! no indentation, so a closing `]` at the indentation of its key, which real configs write,
//! loads there, while saphyr-parser stops with "invalid indentation".
//!
//! On that error inside a flow collection the offending line is joined to the previous one,
//! moving the line break to its end so that the text keeps its length and every other line
//! its number, and the document is parsed again.

use crate::source::SourceFile;
use crate::yaml::{self, Limits, Node, YamlError};

/// Most lines joined in one document before the first error is reported as is.
const MAX_JOINS: usize = 32;

pub fn parse(file: &SourceFile) -> Result<Node, YamlError> {
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
}
