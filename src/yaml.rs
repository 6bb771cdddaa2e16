//! A YAML tree in which every node keeps its byte span in the file, with limits for hostile input.
//!
//! Built on saphyr-parser's event stream instead of a serde deserializer so that every value,
//! not only syntax errors, can be located, and so that all problems of a document can be
//! reported at once rather than stopping at the first type error.

use std::collections::HashMap;
use std::ops::Range;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle};

use crate::source::SourceFile;

/// Bounds on what one document may cost; hostile input hits these instead of the allocator.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Deepest nesting of sequences and mappings.
    pub max_depth: usize,
    /// Nodes in the tree after aliases are expanded (guards against alias bombs).
    pub max_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 64,
            max_nodes: 100_000,
        }
    }
}

/// A YAML value with its byte span in the source file.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Scalar(Scalar),
    Seq(Vec<Node>),
    /// Entries in document order; duplicate keys are kept for the caller to report.
    Map(Vec<(Node, Node)>),
}

/// A scalar as written. Plain scalars are typed by the YAML 1.2 core schema on demand.
#[derive(Debug, Clone, PartialEq)]
pub struct Scalar {
    pub text: String,
    /// Quoted, block or `!!str`-tagged scalars are always strings.
    pub plain: bool,
}

/// What a scalar means under the YAML 1.2 core schema.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(&'a str),
}

impl Scalar {
    pub fn resolve(&self) -> Resolved<'_> {
        if !self.plain {
            return Resolved::Str(&self.text);
        }
        match self.text.as_str() {
            "" | "~" | "null" | "Null" | "NULL" => Resolved::Null,
            "true" | "True" | "TRUE" => Resolved::Bool(true),
            "false" | "False" | "FALSE" => Resolved::Bool(false),
            t => {
                if let Ok(i) = t.parse::<i64>() {
                    Resolved::Int(i)
                } else if is_yaml_float(t) {
                    Resolved::Float(t.parse().unwrap_or(f64::NAN))
                } else {
                    Resolved::Str(t)
                }
            }
        }
    }
}

fn is_yaml_float(t: &str) -> bool {
    let digits = t.trim_start_matches(['-', '+']);
    (digits.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && t.parse::<f64>().is_ok()
        && !digits.contains(|c: char| c.is_ascii_alphabetic() && c != 'e' && c != 'E'))
        || matches!(digits, ".inf" | ".Inf" | ".INF" | ".nan" | ".NaN" | ".NAN")
}

impl Node {
    /// The node's type as a user would name it, for "expected X, found Y" messages.
    pub fn kind(&self) -> &'static str {
        match &self.value {
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
            Value::Scalar(s) => match s.resolve() {
                Resolved::Null => "nothing (null)",
                Resolved::Bool(_) => "a boolean",
                Resolved::Int(_) => "a number",
                Resolved::Float(_) => "a number",
                Resolved::Str(_) => "a string",
            },
        }
    }

    /// The text of a scalar that is not null or boolean (numbers keep their written form).
    pub fn as_text(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar(s) => match s.resolve() {
                Resolved::Null | Resolved::Bool(_) => None,
                _ => Some(&s.text),
            },
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(items) => Some(items),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar(s) if s.resolve() == Resolved::Null)
    }

    /// The value for a key in a mapping (the first, if a key is repeated).
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map()?
            .iter()
            .find(|(k, _)| k.as_text() == Some(key))
            .map(|(_, v)| v)
    }

    fn count(&self) -> usize {
        1 + match &self.value {
            Value::Scalar(_) => 0,
            Value::Seq(items) => items.iter().map(Node::count).sum(),
            Value::Map(entries) => entries.iter().map(|(k, v)| k.count() + v.count()).sum(),
        }
    }
}

/// Why a document could not be turned into a tree.
#[derive(Debug, Clone, PartialEq)]
pub struct YamlError {
    /// `yaml-syntax`, `yaml-too-deep` or `yaml-too-large`.
    pub rule: &'static str,
    pub message: String,
    pub span: Range<usize>,
}

enum Frame {
    Seq {
        anchor: usize,
        start: usize,
        end: usize,
        items: Vec<Node>,
    },
    Map {
        anchor: usize,
        start: usize,
        end: usize,
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
    },
}

/// Turns the parser's markers (line, column and index in characters) into byte offsets in
/// the file.
struct MarkerOffsets<'a> {
    file: &'a SourceFile,
    range: Range<usize>,
    first_line: usize,
    /// ASCII with `\n` line breaks only: a character index is a byte offset, so no line
    /// needs to be walked (front matter nearly always is).
    plain: bool,
}

impl<'a> MarkerOffsets<'a> {
    fn new(file: &'a SourceFile, range: Range<usize>) -> Self {
        let text = &file.text[range.clone()];
        MarkerOffsets {
            file,
            first_line: file.line_col(range.start).0,
            plain: text.is_ascii() && !text.contains('\r'),
            range,
        }
    }

    fn offset(&self, m: &Marker) -> usize {
        let offset = if self.plain {
            self.range.start + m.index()
        } else {
            self.file.offset_of(self.first_line + m.line() - 1, m.col())
        };
        offset.min(self.range.end)
    }

    #[cfg(test)]
    fn by_line(&self, m: &Marker) -> usize {
        self.file
            .offset_of(self.first_line + m.line() - 1, m.col())
            .min(self.range.end)
    }
}

/// Parses the YAML in `range` of `file` (which starts at the beginning of a line).
/// An empty document is a null scalar.
pub fn parse(file: &SourceFile, range: Range<usize>, limits: Limits) -> Result<Node, YamlError> {
    let text = &file.text[range.clone()];
    let at = MarkerOffsets::new(file, range.clone());
    let at = |m: &Marker| at.offset(m);
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, (Node, usize)> = HashMap::new();
    let mut root: Option<Node> = None;
    let mut nodes = 0usize;

    while let Some(next) = parser.next_event() {
        let (event, span) = next.map_err(|e| {
            let offset = at(e.marker());
            // The scanner has its own bound on flow nesting; report it like ours.
            let too_deep = e.info().contains("recursion limit");
            YamlError {
                rule: if too_deep {
                    "yaml-too-deep"
                } else {
                    "yaml-syntax"
                },
                message: e.info().to_string(),
                span: offset..offset,
            }
        })?;
        let (start, end) = (at(&span.start), at(&span.end));
        let finished = match event {
            Event::StreamEnd => break,
            Event::DocumentStart(_) if root.is_some() => {
                return Err(YamlError {
                    rule: "yaml-syntax",
                    message: "more than one YAML document; expected exactly one".into(),
                    span: start..end,
                });
            }
            Event::Nothing | Event::StreamStart | Event::DocumentStart(_) | Event::DocumentEnd => {
                continue;
            }
            Event::Alias(id) => {
                let Some((node, count)) = anchors.get(&id) else {
                    return Err(YamlError {
                        rule: "yaml-syntax",
                        message: "alias to an unknown anchor".into(),
                        span: start..end,
                    });
                };
                nodes += count;
                let mut node = node.clone();
                node.span = start..end;
                node
            }
            Event::Scalar(text, style, anchor, tag) => {
                nodes += 1;
                let str_tag = tag.is_some_and(|t| t.is_yaml_core_schema() && t.suffix == "str");
                let node = Node {
                    value: Value::Scalar(Scalar {
                        text: text.into_owned(),
                        plain: style == ScalarStyle::Plain && !str_tag,
                    }),
                    span: start..end,
                };
                remember(&mut anchors, anchor, &node);
                node
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if stack.len() >= limits.max_depth {
                    return Err(YamlError {
                        rule: "yaml-too-deep",
                        message: format!(
                            "nesting is deeper than {} levels; flatten the document",
                            limits.max_depth
                        ),
                        span: start..end,
                    });
                }
                nodes += 1;
                stack.push(if matches!(event, Event::SequenceStart(..)) {
                    Frame::Seq {
                        anchor,
                        start,
                        end,
                        items: Vec::new(),
                    }
                } else {
                    Frame::Map {
                        anchor,
                        start,
                        end,
                        entries: Vec::new(),
                        key: None,
                    }
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor) = match stack.pop() {
                    Some(Frame::Seq {
                        anchor,
                        start,
                        end,
                        items,
                    }) => (
                        Node {
                            value: Value::Seq(items),
                            span: start..end,
                        },
                        anchor,
                    ),
                    Some(Frame::Map {
                        anchor,
                        start,
                        end,
                        entries,
                        ..
                    }) => (
                        Node {
                            value: Value::Map(entries),
                            span: start..end,
                        },
                        anchor,
                    ),
                    None => continue,
                };
                remember(&mut anchors, anchor, &node);
                node
            }
        };
        if nodes > limits.max_nodes {
            return Err(YamlError {
                rule: "yaml-too-large",
                message: format!(
                    "the document expands to more than {} values (are aliases nested?)",
                    limits.max_nodes
                ),
                span: finished.span,
            });
        }
        let end = finished.span.end;
        match stack.last_mut() {
            None => root = Some(finished),
            Some(Frame::Seq { items, end: e, .. }) => {
                *e = end;
                items.push(finished);
            }
            Some(Frame::Map {
                entries,
                key,
                end: e,
                ..
            }) => {
                *e = end;
                match key.take() {
                    None => *key = Some(finished),
                    Some(k) => entries.push((k, finished)),
                }
            }
        }
    }
    Ok(root.unwrap_or(Node {
        value: Value::Scalar(Scalar {
            text: String::new(),
            plain: true,
        }),
        span: range.start..range.start,
    }))
}

fn remember(anchors: &mut HashMap<usize, (Node, usize)>, anchor: usize, node: &Node) {
    if anchor > 0 {
        anchors.insert(anchor, (node.clone(), node.count()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shortcut for ASCII front matter gives the offsets that walking the lines gives.
    #[test]
    fn ascii_marker_offsets_match_line_and_column() {
        let file = SourceFile::new(
            "p.md",
            "---\ntitle: 'a: b'\nlist:\n  - {x: 1,   y: [2, 3]}\n  - |\n    block\n\n    text\nz: \"q\\\"\"\nbad: [\n---\nbody\n",
        );
        let range = 4..file.text.find("\n---\n").unwrap() + 1;
        let offsets = MarkerOffsets::new(&file, range.clone());
        assert!(offsets.plain);
        let mut parser = Parser::new_from_str(&file.text[range]);
        let mut markers = 0;
        loop {
            match parser.next_event() {
                Some(Ok((_, span))) => {
                    for m in [span.start, span.end] {
                        assert_eq!(offsets.offset(&m), offsets.by_line(&m), "{m:?}");
                        markers += 1;
                    }
                }
                Some(Err(e)) => {
                    assert_eq!(offsets.offset(e.marker()), offsets.by_line(e.marker()));
                    break;
                }
                None => break,
            }
        }
        assert!(markers > 20, "{markers}");
    }

    fn parse_str(text: &str) -> Result<Node, YamlError> {
        let file = SourceFile::new("t.yaml", text);
        parse(&file, 0..file.text.len(), Limits::default())
    }

    #[test]
    fn spans_point_at_values() {
        let text = "title: Hello\nlist:\n  - a\n  - {regex: 'x\\d+'}\n";
        let root = parse_str(text).unwrap();
        let title = root.get("title").unwrap();
        assert_eq!(&text[title.span.clone()], "Hello");
        let items = root.get("list").unwrap().as_seq().unwrap();
        assert_eq!(&text[items[0].span.clone()], "a");
        let re = items[1].get("regex").unwrap();
        assert_eq!(re.as_text(), Some("x\\d+"));
        assert_eq!(&text[re.span.clone()], "'x\\d+'");
    }

    #[test]
    fn scalars_follow_the_core_schema() {
        let root =
            parse_str("a: 12\nb: '12'\nc: true\nd: ~\ne: 2026-01-02\nf: 1.5\ng: yes\n").unwrap();
        let kind = |k: &str| root.get(k).unwrap().kind();
        assert_eq!(kind("a"), "a number");
        assert_eq!(kind("b"), "a string");
        assert_eq!(kind("c"), "a boolean");
        assert_eq!(kind("d"), "nothing (null)");
        assert_eq!(kind("e"), "a string");
        assert_eq!(kind("f"), "a number");
        assert_eq!(kind("g"), "a string");
    }

    #[test]
    fn syntax_errors_are_located() {
        let err = parse_str("a: 1\nb: [1, 2\n").unwrap_err();
        assert_eq!(err.rule, "yaml-syntax");
    }

    #[test]
    fn alias_bombs_hit_the_node_limit() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..9 {
            let prev = (b'a' + i - 1) as char;
            let cur = (b'a' + i) as char;
            text.push_str(&format!(
                "{cur}: &{cur} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
        }
        assert_eq!(parse_str(&text).unwrap_err().rule, "yaml-too-large");
    }

    #[test]
    fn deep_nesting_is_refused_without_recursion() {
        let text = format!("{}{}", "[".repeat(20_000), "]".repeat(20_000));
        assert_eq!(parse_str(&text).unwrap_err().rule, "yaml-too-deep");
        let block: String = (0..2_000)
            .map(|i| format!("{}k:\n", " ".repeat(i)))
            .collect();
        assert_eq!(parse_str(&block).unwrap_err().rule, "yaml-too-deep");
        let shallow: String = (0..10).map(|i| format!("{}k:\n", " ".repeat(i))).collect();
        assert!(parse_str(&shallow).is_ok());
    }

    #[test]
    fn crlf_positions_are_exact() {
        let text = "a: 1\r\nb: two\r\n";
        let root = parse_str(text).unwrap();
        assert_eq!(&text[root.get("b").unwrap().span.clone()], "two");
    }
}
