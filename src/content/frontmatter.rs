//! Splits a page into front matter and body, and decodes the front matter into typed values.

use std::collections::HashSet;
use std::ops::Range;

use jiff::civil::Date;

use crate::content::page::{FrontMatter, Signature, Source, SourceKind, Spanned};
use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::fields::{self, Field};
use crate::source::SourceFile;
use crate::yaml::{self, Limits, Node};

/// Where the parts of a page file are, as byte ranges.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    /// The whole block, both `---` lines included.
    pub block: Range<usize>,
    /// The YAML between the fences.
    pub yaml: Range<usize>,
    /// The markdown after the closing fence.
    pub body: Range<usize>,
}

const FENCE_HELP: &str =
    "a page starts with a line `---`, then YAML front matter, then another line `---`";

/// Finds the front-matter fences.
pub fn split(file: &SourceFile) -> Result<Split, Diagnostic> {
    let text = &file.text;
    let mut lines = line_spans(text);
    let Some(first) = lines.next() else {
        return Err(
            Diagnostic::error("no-front-matter", file, 0..0, "the file is empty")
                .with_help(FENCE_HELP),
        );
    };
    if !is_fence(&text[first.clone()]) {
        return Err(Diagnostic::error(
            "no-front-matter",
            file,
            first.start..first.end.min(first.start + 3),
            "the page has no front matter",
        )
        .with_help(FENCE_HELP));
    }
    let yaml_start = next_line_start(text, first.end);
    for line in lines {
        if is_fence(&text[line.clone()]) {
            let body = next_line_start(text, line.end);
            return Ok(Split {
                block: 0..line.end,
                yaml: yaml_start..line.start,
                body: body..text.len(),
            });
        }
    }
    Err(Diagnostic::error(
        "unclosed-front-matter",
        file,
        first.start..first.end,
        "the front matter opened here is never closed",
    )
    .with_help("add a line `---` after the last front-matter key"))
}

fn is_fence(line: &str) -> bool {
    line.trim_end() == "---"
}

/// Byte ranges of each line's content (without `\r\n` / `\n`).
fn line_spans(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let content_end = if text[start..end].ends_with('\r') {
            end - 1
        } else {
            end
        };
        let span = start..content_end;
        start = end + 1;
        Some(span)
    })
}

fn next_line_start(text: &str, line_end: usize) -> usize {
    text[line_end..]
        .find('\n')
        .map_or(text.len(), |i| line_end + i + 1)
}

/// The known keys of a mapping and their values. Front-matter mappings have a dozen keys at
/// most: a short list searched in order costs less than hashing every key.
struct Fields<'n>(Vec<(&'n str, &'n Node)>);

impl<'n> Fields<'n> {
    fn get(&self, key: &str) -> Option<&&'n Node> {
        self.0.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// Sets the value of `key`, replacing an earlier one; whether there was one.
    fn insert(&mut self, key: &'n str, value: &'n Node) -> bool {
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some(entry) => {
                entry.1 = value;
                true
            }
            None => {
                self.0.push((key, value));
                false
            }
        }
    }
}

/// Parses and decodes the front matter. Every problem is pushed to `diags`; `None` when
/// any of them is an error.
pub fn parse(
    file: &SourceFile,
    split: &Split,
    tool_dir: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<FrontMatter> {
    let root = match yaml::parse(file, split.yaml.clone(), Limits::default()) {
        Ok(root) => root,
        Err(e) => {
            let yaml = &file.text[split.yaml.clone()];
            let help = if yaml.lines().any(|l| l.starts_with('\t')) {
                "YAML does not allow tabs for indentation: indent with spaces"
            } else {
                "fix the YAML syntax of the front matter"
            };
            diags.push(
                Diagnostic::error(e.rule, file, e.span, format!("invalid YAML: {}", e.message))
                    .with_help(help),
            );
            return None;
        }
    };
    let before = diags.iter().filter(|d| d.is_error()).count();
    let mut d = Decoder { file, diags };
    let whole = split.block.start..split.block.start + 3;
    if root.is_null() {
        d.error(
            "missing-field",
            whole,
            "the front matter is empty",
            Some("add title, tool, category, signatures, summary, quick_fix, updated and sources"),
        );
        return None;
    }
    let fields = d.fields(&root, &[fields::PAGE], "page")?;
    let title = d.text(&fields, &fields::TITLE, &whole);
    let tool = d.text(&fields, &fields::TOOL, &whole);
    if let Some(tool) = &tool
        && tool.value != tool_dir
    {
        d.error(
            "tool-mismatch",
            tool.span.clone(),
            format!(
                "`tool: {}` does not match the page's directory `content/{tool_dir}/`",
                tool.value
            ),
            Some("move the page into the tool's directory, or correct `tool`"),
        );
    }
    let category = d.text(&fields, &fields::CATEGORY, &whole);
    let signatures = d
        .value(&fields, &fields::SIGNATURES, &whole)
        .and_then(|n| d.signatures(n));
    let summary = d.text(&fields, &fields::SUMMARY, &whole);
    let quick_fix = d.text(&fields, &fields::QUICK_FIX, &whole);
    let updated = d
        .value(&fields, &fields::UPDATED, &whole)
        .and_then(|n| d.date(n, "updated"));
    let validator = d.text(&fields, &fields::VALIDATOR, &whole);
    let sources = d
        .value(&fields, &fields::SOURCES, &whole)
        .and_then(|n| d.sources(n));
    let related = match d.value(&fields, &fields::RELATED, &whole) {
        Some(n) => d.list(n, "related").map(|items| {
            items
                .iter()
                .filter_map(|item| d.string(item, "related"))
                .collect()
        }),
        None => Some(Vec::new()),
    };
    let draft = match d.value(&fields, &fields::DRAFT, &whole) {
        Some(n) => d.bool(n, "draft"),
        None => Some(false),
    };
    if diags.iter().filter(|d| d.is_error()).count() > before {
        return None;
    }
    Some(FrontMatter {
        span: split.block.clone(),
        title: title?,
        tool: tool?,
        category: category?,
        signatures: signatures?,
        summary: summary?,
        quick_fix: quick_fix?,
        updated: updated?,
        validator,
        sources: sources?,
        related: related?,
        draft: draft?,
    })
}

/// Decodes YAML nodes into typed values, reporting every problem with its span.
struct Decoder<'a> {
    file: &'a SourceFile,
    diags: &'a mut Vec<Diagnostic>,
}

impl Decoder<'_> {
    fn error(
        &mut self,
        rule: &'static str,
        span: Range<usize>,
        message: impl Into<String>,
        help: Option<&str>,
    ) {
        let mut diag = Diagnostic::error(rule, self.file, span, message);
        diag.help = help.map(str::to_string);
        self.diags.push(diag);
    }

    fn bad_type(&mut self, node: &Node, key: &str, expected: &str) {
        self.error(
            "bad-type",
            node.span.clone(),
            format!("`{key}` must be {expected}, found {}", node.kind()),
            None,
        );
    }

    /// The keys of a mapping, checked against the fields of the tables that describe it.
    fn fields<'n>(
        &mut self,
        node: &'n Node,
        tables: &[&[Field]],
        what: &str,
    ) -> Option<Fields<'n>> {
        let Some(entries) = node.as_map() else {
            self.bad_type(node, what, "a mapping of keys to values");
            return None;
        };
        let mut fields = Fields(Vec::with_capacity(entries.len()));
        for (key, value) in entries {
            let Some(name) = key.as_text() else {
                self.bad_type(key, "a key", "a string");
                continue;
            };
            if !tables.iter().any(|t| fields::find(t, name).is_some()) {
                let mut allowed: Vec<&str> = Vec::new();
                for name in tables.iter().flat_map(|t| fields::names(t)) {
                    if !allowed.contains(&name) {
                        allowed.push(name);
                    }
                }
                let help = match did_you_mean(name, &allowed) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("known keys: {}", allowed.join(", ")),
                };
                self.error(
                    "unknown-field",
                    key.span.clone(),
                    format!("unknown {what} key `{name}`"),
                    Some(&help),
                );
            } else if fields.insert(name, value) {
                self.error(
                    "duplicate-key",
                    key.span.clone(),
                    format!("`{name}` is given more than once"),
                    Some("keep one of them"),
                );
            }
        }
        Some(fields)
    }

    fn required<'n>(
        &mut self,
        fields: &Fields<'n>,
        key: &str,
        container: &Range<usize>,
    ) -> Option<&'n Node> {
        match fields.get(key) {
            Some(node) if !node.is_null() => Some(node),
            Some(node) => {
                let span = node.span.clone();
                self.error(
                    "missing-field",
                    span,
                    format!("`{key}` is empty"),
                    Some("give it a value"),
                );
                None
            }
            None => {
                self.error(
                    "missing-field",
                    container.clone(),
                    format!("missing required key `{key}`"),
                    Some(&format!("add `{key}:` (see docs/page-format.md)")),
                );
                None
            }
        }
    }

    /// A field's value: reported missing when the table says it is required; `None` when it
    /// is absent or null.
    fn value<'n>(
        &mut self,
        fields: &Fields<'n>,
        field: &Field,
        container: &Range<usize>,
    ) -> Option<&'n Node> {
        if field.required {
            self.required(fields, field.name, container)
        } else {
            fields.get(field.name).copied().filter(|n| !n.is_null())
        }
    }

    fn text(
        &mut self,
        fields: &Fields,
        field: &Field,
        container: &Range<usize>,
    ) -> Option<Spanned<String>> {
        let node = self.value(fields, field, container)?;
        self.string(node, field.name)
    }

    fn bool(&mut self, node: &Node, key: &str) -> Option<bool> {
        match &node.value {
            crate::yaml::Value::Scalar(s) => match s.resolve() {
                crate::yaml::Resolved::Bool(b) => Some(b),
                _ => {
                    self.bad_type(node, key, "true or false");
                    None
                }
            },
            _ => {
                self.bad_type(node, key, "true or false");
                None
            }
        }
    }

    fn string(&mut self, node: &Node, key: &str) -> Option<Spanned<String>> {
        match node.as_text() {
            Some(text) if !text.trim().is_empty() => {
                Some(Spanned::new(text.to_string(), node.span.clone()))
            }
            Some(_) => {
                self.error(
                    "missing-field",
                    node.span.clone(),
                    format!("`{key}` is empty"),
                    Some("give it a value"),
                );
                None
            }
            None => {
                self.bad_type(node, key, "a string");
                None
            }
        }
    }

    fn list<'n>(&mut self, node: &'n Node, key: &str) -> Option<&'n [Node]> {
        let items = node.as_seq();
        if items.is_none() {
            self.bad_type(node, key, "a list");
        }
        items
    }

    fn date(&mut self, node: &Node, key: &str) -> Option<Spanned<Date>> {
        let text = self.string(node, key)?;
        match parse_date(&text.value) {
            Some(date) => Some(Spanned::new(date, text.span)),
            None => {
                self.error(
                    "bad-type",
                    text.span,
                    format!("`{key}` must be a date YYYY-MM-DD, found `{}`", text.value),
                    None,
                );
                None
            }
        }
    }

    fn signatures(&mut self, node: &Node) -> Option<Vec<Spanned<Signature>>> {
        let items = self.list(node, "signatures")?;
        if items.is_empty() {
            self.error(
                "missing-field",
                node.span.clone(),
                "`signatures` is empty",
                Some("add the error text that identifies this error in a log"),
            );
            return None;
        }
        let mut out = Vec::new();
        for item in items {
            if item.as_map().is_none() {
                let text = self.string(item, "a signature")?;
                out.push(Spanned::new(Signature::Literal(text.value), text.span));
                continue;
            }
            let fields = self.fields(
                item,
                &[fields::REGEX_SIGNATURE, fields::LITERAL_SIGNATURE],
                "signature",
            )?;
            let (kind, value) = match (fields.get("regex"), fields.get("literal")) {
                (Some(re), None) => ("regex", *re),
                (None, Some(lit)) => ("literal", *lit),
                _ => {
                    self.error(
                        "bad-type",
                        item.span.clone(),
                        "a signature mapping has one of `regex` or `literal` (a regex may add `example`)",
                        None,
                    );
                    continue;
                }
            };
            let text = self.string(value, kind)?;
            // An empty `example:` is as good as none, like any optional key.
            let examples = match fields.get("example").filter(|n| !n.is_null()) {
                Some(node) if kind == "literal" => {
                    self.error(
                        "bad-type",
                        node.span.clone(),
                        "`example` belongs to a regex signature; a literal is its own example",
                        Some("remove `example`, or make the signature a `regex`"),
                    );
                    continue;
                }
                Some(node) => self.examples(node)?,
                None => Vec::new(),
            };
            // Whether a regex compiles is checked by `invalid-signature`, with the other lints,
            // and whether it matches its examples by `signature-example-mismatch`.
            if kind == "regex" {
                let signature = Signature::Regex {
                    pattern: text.value,
                    examples,
                };
                out.push(Spanned::new(signature, text.span));
            } else {
                out.push(Spanned::new(Signature::Literal(text.value), text.span));
            }
        }
        Some(out)
    }

    /// `example:` of a regex signature: one real message, or a list of them.
    fn examples(&mut self, node: &Node) -> Option<Vec<Spanned<String>>> {
        if node.as_text().is_some() {
            return Some(vec![self.string(node, "example")?]);
        }
        let Some(items) = node.as_seq() else {
            self.bad_type(node, "example", "a string or a list of strings");
            return None;
        };
        if items.is_empty() {
            self.error(
                "missing-field",
                node.span.clone(),
                "`example` is an empty list",
                Some("give one or more real messages the regex matches, or remove `example`"),
            );
            return None;
        }
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            out.push(self.string(item, "example")?);
        }
        Some(out)
    }

    fn sources(&mut self, node: &Node) -> Option<Vec<Source>> {
        let items = self.list(node, "sources")?;
        let mut out = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        let mut ok = true;
        for item in items {
            match self.source(item) {
                Some(source) => {
                    if !seen.insert(source.id.value.clone()) {
                        let message = format!("source id `{}` is used twice", source.id.value);
                        self.error("duplicate-source-id", source.id.span.clone(), message, None);
                        ok = false;
                    }
                    out.push(source);
                }
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    fn source(&mut self, node: &Node) -> Option<Source> {
        let fields = self.fields(node, &[fields::SOURCE], "source")?;
        let span = node.span.clone();
        let id = self.text(&fields, &fields::SOURCE_ID, &span);
        let url = self.text(&fields, &fields::SOURCE_URL, &span);
        let title = self.text(&fields, &fields::SOURCE_TITLE, &span);
        let date = match self.value(&fields, &fields::SOURCE_DATE, &span) {
            Some(n) => Some(self.date(n, "date")?),
            None => None,
        };
        let kind_text = self.text(&fields, &fields::SOURCE_KIND, &span);
        let kind = kind_text.and_then(|k| match SourceKind::parse(&k.value) {
            Some(kind) => Some(Spanned::new(kind, k.span)),
            None => {
                let help = format!("one of: {}", SourceKind::NAMES.join(", "));
                let message = format!("unknown source kind `{}`", k.value);
                self.error("bad-type", k.span, message, Some(&help));
                None
            }
        });
        Some(Source {
            span,
            id: id?,
            url,
            title: title?,
            date,
            kind: kind?,
        })
    }
}

/// A `YYYY-MM-DD` calendar date.
pub fn parse_date(text: &str) -> Option<Date> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_fences_with_crlf() {
        let file = SourceFile::new("p.md", "---\r\ntitle: x\r\n---\r\nbody\r\n");
        let split = split(&file).unwrap();
        assert_eq!(&file.text[split.yaml.clone()], "title: x\r\n");
        assert_eq!(&file.text[split.body.clone()], "body\r\n");
    }

    #[test]
    fn reports_missing_and_unclosed_fences() {
        let no = split(&SourceFile::new("p.md", "# hi\n")).unwrap_err();
        assert_eq!((no.rule, no.line, no.column), ("no-front-matter", 1, 1));
        let open = split(&SourceFile::new("p.md", "---\ntitle: x\n")).unwrap_err();
        assert_eq!(open.rule, "unclosed-front-matter");
        let empty = split(&SourceFile::new("p.md", "")).unwrap_err();
        assert_eq!(empty.rule, "no-front-matter");
    }

    fn front(signatures: &str) -> (Option<FrontMatter>, Vec<Diagnostic>, SourceFile) {
        let text = format!(
            "---\ntitle: t\ntool: demo\ncategory: c\nsignatures:\n{signatures}summary: s\n\
             quick_fix: q\nupdated: 2026-01-01\nsources: []\n---\n"
        );
        let file = SourceFile::new("content/demo/p.md", text);
        let split = split(&file).unwrap();
        let mut diags = Vec::new();
        (parse(&file, &split, "demo", &mut diags), diags, file)
    }

    #[test]
    fn regex_signatures_carry_their_examples_with_spans() {
        let (front, diags, file) = front(
            "  - regex: 'quota \\d+'\n    example: quota 5\n  - regex: 'x \\d'\n    \
             example: [\"x 1\", \"x 2\"]\n  - plain literal\n",
        );
        assert!(diags.is_empty(), "{diags:?}");
        let signatures = front.unwrap().signatures;
        let examples = |i: usize| -> Vec<&str> {
            signatures[i]
                .value
                .examples()
                .iter()
                .map(|e| &file.text[e.span.clone()])
                .collect()
        };
        assert_eq!(signatures[0].value.text(), "quota \\d+");
        assert_eq!(examples(0), ["quota 5"]);
        assert_eq!(examples(1), ["\"x 1\"", "\"x 2\""]);
        assert_eq!(signatures[1].value.examples()[1].value, "x 2");
        assert!(examples(2).is_empty() && !signatures[2].value.is_regex());
    }

    #[test]
    fn examples_must_be_strings_on_a_regex() {
        for (yaml, rule, message) in [
            (
                "  - {literal: abc def, example: abc def}\n",
                "bad-type",
                "`example` belongs to a regex signature",
            ),
            (
                "  - {regex: a\\d, example: []}\n",
                "missing-field",
                "`example` is an empty list",
            ),
            (
                "  - {regex: a\\d, example: {k: v}}\n",
                "bad-type",
                "`example` must be a string or a list of strings",
            ),
            (
                "  - {example: a1}\n",
                "bad-type",
                "a signature mapping has one of",
            ),
        ] {
            let (front, diags, _) = front(yaml);
            assert!(front.is_none(), "{yaml}");
            assert_eq!(diags[0].rule, rule, "{yaml}: {diags:?}");
            assert!(
                diags[0].message.starts_with(message),
                "{yaml}: {}",
                diags[0].message
            );
        }
    }

    #[test]
    fn dates_are_strict() {
        assert!(parse_date("2026-11-20").is_some());
        assert!(parse_date("2026-13-20").is_none());
        assert!(parse_date("2026-1-2").is_none());
    }
}
