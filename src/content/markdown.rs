//! The page body: markdown parsed into recognised sections, citations, anchors and examples,
//! and, only when a page is rendered, to HTML.

use std::collections::HashSet;
use std::ops::Range;

use pulldown_cmark::{
    BrokenLink, CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
    html,
};
use pulldown_cmark_escape::{escape_href, escape_html};
use serde::{Deserialize, Serialize};

use crate::content::highlight;
use crate::content::page::{Source, Spanned};
use crate::source::SourceFile;

/// The sections of the page contract, recognised by their H2 titles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SectionKind {
    /// Text before the first H2.
    Preamble,
    Meaning,
    Causes,
    Fixes,
    Troubleshooting,
    Prevention,
    Faq,
    /// Any other H2 section, rendered in place.
    Other,
}

impl SectionKind {
    /// The contract's sections in order, with their exact titles.
    pub const REQUIRED: [(SectionKind, &'static str); 6] = [
        (SectionKind::Meaning, "What this error means"),
        (SectionKind::Causes, "Causes"),
        (SectionKind::Fixes, "Fixes"),
        (SectionKind::Troubleshooting, "Step-by-step troubleshooting"),
        (SectionKind::Prevention, "How to prevent it"),
        (SectionKind::Faq, "FAQ"),
    ];

    fn from_title(title: &str) -> Self {
        let wanted = title.trim().to_lowercase();
        Self::REQUIRED
            .iter()
            .find(|(_, t)| t.to_lowercase() == wanted)
            .map_or(SectionKind::Other, |(k, _)| *k)
    }

    pub fn name(self) -> &'static str {
        match self {
            SectionKind::Preamble => "preamble",
            SectionKind::Meaning => "meaning",
            SectionKind::Causes => "causes",
            SectionKind::Fixes => "fixes",
            SectionKind::Troubleshooting => "troubleshooting",
            SectionKind::Prevention => "prevention",
            SectionKind::Faq => "faq",
            SectionKind::Other => "other",
        }
    }
}

/// The parsed body of a page.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Body {
    pub sections: Vec<Section>,
    /// Every `[@id]` citation, in order.
    pub citations: Vec<Spanned<String>>,
    /// Fenced blocks with `validate=` (verified examples).
    pub examples: Vec<Example>,
    /// Link destinations that are not absolute URLs (checked for broken links).
    pub internal_links: Vec<Spanned<String>>,
    /// Every heading anchor id on the page.
    pub anchors: Vec<String>,
    /// Fenced and indented code blocks, in order; highlighted when the page is rendered.
    pub code_blocks: Vec<CodeBlock>,
    /// The byte range of the markdown in the page file, parsed again by [`Body::sections_html`].
    pub markdown: Range<usize>,
}

/// A fenced or indented code block: its language (the fence's first word) and its text.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CodeBlock {
    pub lang: String,
    pub code: String,
}

impl Body {
    pub fn section(&self, kind: SectionKind) -> Option<&Section> {
        self.sections.iter().find(|s| s.kind == kind)
    }

    /// The HTML of every section, in the order of [`Body::sections`], code highlighted.
    /// Parsing keeps no HTML (`check` never needs it), so this parses the markdown again;
    /// `file` and `sources` must be the ones the body was parsed from.
    pub fn sections_html(&self, file: &SourceFile, sources: &[Source]) -> Vec<String> {
        let mut html = Vec::with_capacity(self.sections.len());
        walk(file, self.markdown.clone(), sources, Some(&mut html));
        html
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Section {
    pub kind: SectionKind,
    pub title: String,
    /// Anchor id of the section heading.
    pub id: String,
    /// Span of the H2 heading (the whole body for the preamble).
    pub span: Range<usize>,
    /// Whether anything at all follows the heading.
    has_content: bool,
    /// Top-level list items, e.g. one per cause.
    pub list_items: Vec<Item>,
    /// H3 subsections, e.g. one per fix or FAQ question.
    pub subsections: Vec<Item>,
    /// Paragraphs outside list items as plain text, for text-quality rules.
    paragraphs: Vec<Spanned<Box<str>>>,
    /// The paragraphs and list items with text, in order (see [`Section::blocks`]).
    blocks: Vec<Block>,
}

/// A text block of a section. A list item's block is the item itself: storing its text a
/// second time held several megabytes per thousand pages for the run's duration.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
enum Block {
    Paragraph(u32),
    ListItem(u32),
}

/// Separates code-block markers in a section's HTML before highlighting; markdown input
/// cannot produce it (the parser replaces NUL with U+FFFD).
const CODE_MARK: char = '\0';

/// Replaces the code-block markers in `parts` with the highlighted blocks.
fn highlight_code(parts: &str, code_blocks: &[CodeBlock]) -> String {
    let mut out = String::with_capacity(parts.len() * 2);
    for (n, part) in parts.split(CODE_MARK).enumerate() {
        if n % 2 == 0 {
            out.push_str(part);
        } else if let Some(block) = part.parse().ok().and_then(|i: usize| code_blocks.get(i)) {
            highlight::push_code_block(&mut out, &block.code, &block.lang);
        }
    }
    out
}

impl Section {
    /// Whether anything at all follows the heading.
    pub fn has_content(&self) -> bool {
        self.has_content
    }

    /// Paragraphs and list items as plain text, in order, for text-quality rules.
    pub fn blocks(&self) -> impl Iterator<Item = Spanned<&str>> {
        self.blocks.iter().map(|block| match *block {
            Block::Paragraph(i) => {
                let paragraph = &self.paragraphs[i as usize];
                Spanned::new(&*paragraph.value, paragraph.span.clone())
            }
            Block::ListItem(i) => {
                let item = &self.list_items[i as usize];
                Spanned::new(&*item.text, item.span.clone())
            }
        })
    }

    /// The section's entries: its H3 subsections when it has any, else its list items.
    pub fn items(&self) -> &[Item] {
        if self.subsections.is_empty() {
            &self.list_items
        } else {
            &self.subsections
        }
    }
}

/// A list item or an H3 subsection. Boxed, not grown: a site holds hundreds of thousands.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Item {
    /// The H3 heading text (subsections only).
    pub title: Option<Box<str>>,
    /// Plain text of the content.
    pub text: Box<str>,
    pub span: Range<usize>,
    /// Source ids cited inside.
    pub citations: Box<[String]>,
    /// Contains a code block or inline code (a concrete command or config).
    pub has_code: bool,
    /// The inline code spans inside, e.g. config keys.
    pub code_spans: Box<[String]>,
}

/// An [`Item`] while the body is walked: its texts and lists still grow.
#[derive(Default)]
struct ItemBuilder {
    title: Option<String>,
    text: String,
    span: Range<usize>,
    citations: Vec<String>,
    has_code: bool,
    code_spans: Vec<String>,
}

impl ItemBuilder {
    fn finish(self) -> Item {
        Item {
            title: self.title.map(String::into_boxed_str),
            text: self.text.into_boxed_str(),
            span: self.span,
            citations: self.citations.into_boxed_slice(),
            has_code: self.has_code,
            code_spans: self.code_spans.into_boxed_slice(),
        }
    }
}

/// A fenced code block that a validator checks at build time.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Example {
    pub lang: String,
    pub validator: String,
    pub expect: Option<String>,
    pub code: String,
    pub span: Range<usize>,
}

const CITE_SCHEME: &str = "errbook-cite:";

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SMART_PUNCTUATION
}

/// `[@a]` and `[@a; @b]` are parsed as broken reference links; turn them into citations.
fn cite_callback(link: BrokenLink<'_>) -> Option<(CowStr<'_>, CowStr<'_>)> {
    let reference = link.reference.trim();
    if link.link_type == LinkType::Shortcut && reference.starts_with('@') {
        Some((format!("{CITE_SCHEME}{reference}").into(), "".into()))
    } else {
        None
    }
}

fn cited_ids(dest: &str) -> Vec<String> {
    dest.trim_start_matches(CITE_SCHEME)
        .split([';', ','])
        .map(|id| id.trim().trim_start_matches('@').to_string())
        .filter(|id| !id.is_empty())
        .collect()
}

/// Parses the markdown in `range` of `file`; `sources` numbers the citations.
pub fn parse(file: &SourceFile, range: Range<usize>, sources: &[Source]) -> Body {
    walk(file, range, sources, None)
}

/// Walks the markdown once. With `html`, also renders each section, in order, into it.
fn walk(
    file: &SourceFile,
    range: Range<usize>,
    sources: &[Source],
    mut html: Option<&mut Vec<String>>,
) -> Body {
    let text = &file.text[range.clone()];
    let base = range.start;
    // About one event per ten bytes of markdown: sized once instead of doubling.
    let mut events: Vec<(Event, Range<usize>)> = Vec::with_capacity(text.len() / 8);
    events.extend(
        Parser::new_with_broken_link_callback(text, options(), Some(cite_callback))
            .into_offset_iter()
            .map(|(e, r)| (e, base + r.start..base + r.end)),
    );

    let mut body = Body {
        markdown: range.clone(),
        ..Body::default()
    };
    let mut used_ids = HashSet::new();
    assign_heading_ids(&mut events, &mut used_ids, &mut body.anchors);

    let rendering = html.is_some();
    let mut builder = SectionBuilder::new(
        SectionKind::Preamble,
        String::new(),
        String::new(),
        base..range.end,
        rendering,
    );
    let mut i = 0;
    while i < events.len() {
        let (event, span) = (&events[i].0, events[i].1.clone());
        match event {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H2,
                id,
                ..
            }) => {
                let end = find_end(&events, i);
                let title = plain_text(&events[i + 1..end]);
                let id = id.as_deref().unwrap_or_default().to_string();
                let next = SectionBuilder::new(
                    SectionKind::from_title(&title),
                    title,
                    id,
                    span,
                    rendering,
                );
                let done = std::mem::replace(&mut builder, next);
                done.finish(&mut body, html.as_deref_mut());
                i = end + 1;
                continue;
            }
            Event::Start(Tag::Link { dest_url, .. }) if dest_url.starts_with(CITE_SCHEME) => {
                let end = find_end(&events, i);
                let ids = cited_ids(dest_url);
                for id in &ids {
                    body.citations.push(Spanned::new(id.clone(), span.clone()));
                }
                builder.cite(&ids);
                builder.push_with(|| Event::Html(citation_html(&ids, sources).into()));
                i = end + 1;
                continue;
            }
            Event::Start(Tag::Link { dest_url, .. }) if !is_external(dest_url) => {
                body.internal_links
                    .push(Spanned::new(dest_url.to_string(), span.clone()));
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let end = find_end(&events, i);
                let code: String = events[i + 1..end]
                    .iter()
                    .filter_map(|(e, _)| match e {
                        Event::Text(t) => Some(t.as_ref()),
                        _ => None,
                    })
                    .collect();
                let info = match kind {
                    CodeBlockKind::Fenced(info) => info.as_ref(),
                    CodeBlockKind::Indented => "",
                };
                let fence = FenceInfo::parse(info);
                if let Some(validator) = &fence.validate {
                    body.examples.push(Example {
                        lang: fence.lang.clone(),
                        validator: validator.clone(),
                        expect: fence.expect.clone(),
                        code: code.clone(),
                        span: span.clone(),
                    });
                }
                builder.mark_code();
                let n = body.code_blocks.len();
                body.code_blocks.push(CodeBlock {
                    lang: fence.lang,
                    code,
                });
                builder.push_with(|| Event::Html(format!("{CODE_MARK}{n}{CODE_MARK}").into()));
                i = end + 1;
                continue;
            }
            _ => {}
        }
        builder.observe(event, &span);
        builder.push_with(|| events[i].0.clone());
        i += 1;
    }
    builder.finish(&mut body, html);
    body.shrink();
    body
}

impl Body {
    /// Pages live until the end of the run: what was grown while walking keeps no spare room
    /// (it was about 15% of a loaded page).
    fn shrink(&mut self) {
        for block in &mut self.code_blocks {
            block.code.shrink_to_fit();
        }
        self.sections.shrink_to_fit();
        self.citations.shrink_to_fit();
        self.examples.shrink_to_fit();
        self.internal_links.shrink_to_fit();
        self.anchors.shrink_to_fit();
        self.code_blocks.shrink_to_fit();
    }
}

fn is_external(dest: &str) -> bool {
    dest.starts_with("http://")
        || dest.starts_with("https://")
        || dest.starts_with("mailto:")
        || dest.starts_with("//")
}

/// The index of the `End` that closes the `Start` at `start`.
fn find_end(events: &[(Event, Range<usize>)], start: usize) -> usize {
    let mut depth = 0usize;
    for (i, (event, _)) in events.iter().enumerate().skip(start) {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    events.len() - 1
}

fn plain_text(events: &[(Event, Range<usize>)]) -> String {
    let mut out = String::new();
    for (event, _) in events {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            _ => {}
        }
    }
    out
}

/// Gives every heading an id (its text in kebab-case, made unique) unless it has one.
fn assign_heading_ids(
    events: &mut [(Event, Range<usize>)],
    used: &mut HashSet<String>,
    anchors: &mut Vec<String>,
) {
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { .. }) = &events[i].0 {
            let end = find_end(events, i);
            let text = plain_text(&events[i + 1..end]);
            if let Event::Start(Tag::Heading { id, .. }) = &mut events[i].0 {
                let wanted = id.as_deref().map_or_else(|| slugify(&text), str::to_string);
                let mut unique = wanted.clone();
                let mut n = 1;
                while !used.insert(unique.clone()) {
                    unique = format!("{wanted}-{n}");
                    n += 1;
                }
                anchors.push(unique.clone());
                *id = Some(unique.into());
            }
            i = end;
        }
        i += 1;
    }
}

/// Lowercase kebab-case of a heading's text, as used in anchors.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    if text.is_ascii() {
        // Every heading of every page passes here; ASCII needs no case tables.
        for byte in text.bytes() {
            if byte.is_ascii_alphanumeric() {
                out.push(char::from(byte.to_ascii_lowercase()));
            } else if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        }
    } else {
        slugify_chars(text, &mut out);
    }
    let trimmed = out.trim_end_matches('-');
    if trimmed.is_empty() {
        "section".to_string()
    } else {
        out.truncate(trimmed.len());
        out
    }
}

fn slugify_chars(text: &str, out: &mut String) {
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
}

fn citation_html(ids: &[String], sources: &[Source]) -> String {
    let mut out = String::from("<sup class=\"cite\">[");
    for (n, id) in ids.iter().enumerate() {
        if n > 0 {
            out.push_str(", ");
        }
        match sources.iter().position(|s| s.id.value == *id) {
            Some(index) => {
                // The link's title (the source's) is added by js/errbook.js from the list of
                // sources, not repeated at every citation.
                out.push_str("<a href=\"#source-");
                let _ = escape_href(&mut out, id);
                out.push_str(&format!("\">{}</a>", index + 1));
            }
            None => {
                out.push_str("<span class=\"cite-unknown\" title=\"unknown source\">?");
                let _ = escape_html(&mut out, id);
                out.push_str("</span>");
            }
        }
    }
    out.push_str("]</sup>");
    out
}

/// The info string of a fence: `yaml validate=litellm-proxy expect=ok`.
#[derive(Debug, Default, PartialEq)]
struct FenceInfo {
    lang: String,
    validate: Option<String>,
    expect: Option<String>,
}

impl FenceInfo {
    fn parse(info: &str) -> Self {
        let mut words = info.split_whitespace();
        let mut fence = FenceInfo {
            lang: words.next().unwrap_or_default().to_string(),
            ..Default::default()
        };
        for word in words {
            match word.split_once('=') {
                Some(("validate", v)) => fence.validate = Some(v.to_string()),
                Some(("expect", v)) => fence.expect = Some(v.to_string()),
                _ => {}
            }
        }
        fence
    }
}

/// Collects one section's events, list items and subsections while the body is walked.
struct SectionBuilder<'a> {
    section: Section,
    /// The section's events, kept only when its HTML is wanted.
    events: Option<Vec<Event<'a>>>,
    list_depth: usize,
    item: Option<ItemBuilder>,
    sub: Option<ItemBuilder>,
    in_sub_heading: bool,
    /// The paragraph being read, outside list items (whose text is the item's).
    paragraph: Option<Spanned<String>>,
}

impl<'a> SectionBuilder<'a> {
    fn new(
        kind: SectionKind,
        title: String,
        id: String,
        span: Range<usize>,
        rendering: bool,
    ) -> Self {
        SectionBuilder {
            section: Section {
                kind,
                title,
                id,
                span,
                has_content: false,
                list_items: Vec::new(),
                subsections: Vec::new(),
                paragraphs: Vec::new(),
                blocks: Vec::new(),
            },
            events: rendering.then(Vec::new),
            list_depth: 0,
            item: None,
            sub: None,
            in_sub_heading: false,
            paragraph: None,
        }
    }

    /// Notes that the section has content; makes the event only when rendering.
    fn push_with(&mut self, event: impl FnOnce() -> Event<'a>) {
        self.section.has_content = true;
        if let Some(events) = &mut self.events {
            events.push(event());
        }
    }

    fn cite(&mut self, ids: &[String]) {
        for target in [&mut self.item, &mut self.sub].into_iter().flatten() {
            target.citations.extend(ids.iter().cloned());
        }
    }

    fn mark_code(&mut self) {
        for target in [&mut self.item, &mut self.sub].into_iter().flatten() {
            target.has_code = true;
        }
    }

    fn text(&mut self, text: &str) {
        for target in [&mut self.item, &mut self.sub].into_iter().flatten() {
            target.text.push_str(text);
        }
        if let Some(paragraph) = &mut self.paragraph {
            paragraph.value.push_str(text);
        }
    }

    /// Tracks structure: list items at depth 1, H3 subsections, paragraphs.
    fn observe(&mut self, event: &Event<'a>, span: &Range<usize>) {
        match event {
            Event::Start(Tag::List(_)) => self.list_depth += 1,
            Event::End(TagEnd::List(_)) => self.list_depth = self.list_depth.saturating_sub(1),
            // Texts are at most about as long as their markdown: sized once, not grown.
            Event::Start(Tag::Item) if self.list_depth == 1 => {
                self.item = Some(ItemBuilder {
                    text: String::with_capacity(span.len()),
                    span: span.clone(),
                    ..ItemBuilder::default()
                });
            }
            Event::End(TagEnd::Item) if self.list_depth == 1 => {
                if let Some(item) = self.item.take() {
                    let n = self.section.list_items.len() as u32;
                    if !item.text.trim().is_empty() {
                        self.section.blocks.push(Block::ListItem(n));
                    }
                    self.section.list_items.push(item.finish());
                }
                self.finish_block();
            }
            Event::Start(Tag::Heading {
                level: HeadingLevel::H3,
                ..
            }) => {
                self.finish_sub();
                self.sub = Some(ItemBuilder {
                    title: Some(String::new()),
                    span: span.clone(),
                    ..ItemBuilder::default()
                });
                self.in_sub_heading = true;
            }
            Event::End(TagEnd::Heading(HeadingLevel::H3)) => self.in_sub_heading = false,
            Event::Text(t) | Event::Code(t) if self.in_sub_heading => {
                if let Some(ItemBuilder {
                    title: Some(title), ..
                }) = &mut self.sub
                {
                    title.push_str(t);
                }
            }
            Event::Start(Tag::Paragraph) if self.paragraph.is_none() && self.item.is_none() => {
                self.paragraph = Some(Spanned::new(
                    String::with_capacity(span.len()),
                    span.clone(),
                ));
            }
            Event::End(TagEnd::Paragraph) if self.item.is_none() => self.finish_block(),
            Event::Text(t) => self.text(t),
            Event::Code(t) => {
                self.mark_code();
                for target in [&mut self.item, &mut self.sub].into_iter().flatten() {
                    target.code_spans.push(t.to_string());
                }
                self.text(t);
            }
            Event::SoftBreak | Event::HardBreak => self.text(" "),
            _ => {}
        }
    }

    fn finish_block(&mut self) {
        if let Some(paragraph) = self.paragraph.take()
            && !paragraph.value.trim().is_empty()
        {
            let n = self.section.paragraphs.len() as u32;
            self.section.blocks.push(Block::Paragraph(n));
            // Pages live until the end of the run; grown strings would keep up to half of
            // their capacity unused.
            let text = paragraph.value.into_boxed_str();
            self.section
                .paragraphs
                .push(Spanned::new(text, paragraph.span));
        }
        for target in [&mut self.item, &mut self.sub].into_iter().flatten() {
            if !target.text.ends_with(' ') && !target.text.is_empty() {
                target.text.push(' ');
            }
        }
    }

    fn finish_sub(&mut self) {
        if let Some(mut sub) = self.sub.take() {
            sub.text = sub.text.trim().to_string();
            self.section.subsections.push(sub.finish());
        }
    }

    fn finish(mut self, body: &mut Body, html: Option<&mut Vec<String>>) {
        self.finish_sub();
        if self.section.kind == SectionKind::Preamble && !self.section.has_content {
            return;
        }
        self.section.paragraphs.shrink_to_fit();
        self.section.blocks.shrink_to_fit();
        self.section.list_items.shrink_to_fit();
        self.section.subsections.shrink_to_fit();
        if let (Some(html), Some(events)) = (html, self.events) {
            let mut parts = String::new();
            html::push_html(&mut parts, events.into_iter());
            html.push(highlight_code(&parts, &body.code_blocks));
        }
        body.sections.push(self.section);
    }
}

/// Renders a front-matter string as inline markdown. Raw HTML is shown as text, never injected.
pub fn inline_html(text: &str) -> String {
    let events = Parser::new_ext(text, Options::ENABLE_STRIKETHROUGH).filter_map(|e| match e {
        Event::Html(h) | Event::InlineHtml(h) => Some(Event::Text(h)),
        Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph) => None,
        Event::Start(Tag::Link { dest_url, .. }) if dest_url.starts_with("javascript:") => None,
        other => Some(other),
    });
    let mut out = String::new();
    html::push_html(&mut out, events);
    out.trim_end().to_string()
}

/// The plain text of a front-matter string (for meta descriptions, listings and feeds).
pub fn inline_text(text: &str) -> String {
    let mut out = String::new();
    for event in Parser::new_ext(text, Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                out.push_str(&t)
            }
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::page::SourceKind;

    fn source(id: &str) -> Source {
        Source {
            span: 0..0,
            id: Spanned::new(id.into(), 0..0),
            url: None,
            title: Spanned::new(format!("Title of {id}"), 0..0),
            date: None,
            kind: Spanned::new(SourceKind::Issue, 0..0),
        }
    }

    /// The parsed body and the HTML of its sections.
    fn body_and_html(md: &str, sources: &[Source]) -> (Body, Vec<String>) {
        let file = SourceFile::new("p.md", md);
        let body = parse(&file, 0..file.text.len(), sources);
        let html = body.sections_html(&file, sources);
        assert_eq!(html.len(), body.sections.len());
        (body, html)
    }

    #[test]
    fn recognises_sections_items_and_citations() {
        let md = "Intro.\n\n## Causes\n\n- First cause [@gh-1].\n- Second [@gh-1; @docs].\n\n## Fixes\n\n### Raise the limit\n\nSet `rpm: 10`.\n\n## FAQ\n\n### Why?\n\nBecause.\n";
        let (b, html) = body_and_html(md, &[source("gh-1"), source("docs")]);
        let kinds: Vec<_> = b.sections.iter().map(|s| s.kind).collect();
        assert_eq!(
            kinds,
            [
                SectionKind::Preamble,
                SectionKind::Causes,
                SectionKind::Fixes,
                SectionKind::Faq
            ]
        );
        let causes = b.section(SectionKind::Causes).unwrap();
        assert_eq!(causes.items().len(), 2);
        assert_eq!(*causes.items()[1].citations, ["gh-1", "docs"]);
        assert!(html[1].contains("href=\"#source-gh-1\""));
        assert!(html[1].contains(">2</a>"));
        let fix = &b.section(SectionKind::Fixes).unwrap().items()[0];
        assert_eq!(fix.title.as_deref(), Some("Raise the limit"));
        assert!(fix.has_code);
        let faq = &b.section(SectionKind::Faq).unwrap().items()[0];
        assert_eq!(
            (faq.title.as_deref(), &*faq.text),
            (Some("Why?"), "Because.")
        );
        assert_eq!(b.citations.len(), 3);
        assert_eq!(b.citations[0].span.clone(), 33..40);
    }

    #[test]
    fn unknown_citations_render_visibly() {
        let (_, html) = body_and_html("## Causes\n\n- x [@nope]\n", &[]);
        assert!(html[0].contains("cite-unknown"));
    }

    #[test]
    fn headings_get_unique_anchors() {
        let (b, html) = body_and_html("## FAQ\n\n### Same\n\n### Same\n", &[]);
        assert_eq!(b.anchors, ["faq", "same", "same-1"]);
        assert!(html[0].contains("id=\"same-1\""));
    }

    #[test]
    fn examples_are_collected() {
        let (b, html) = body_and_html("```yaml validate=litellm-proxy expect=ok\na: 1\n```\n", &[]);
        assert_eq!(b.examples[0].validator, "litellm-proxy");
        assert_eq!(b.examples[0].expect.as_deref(), Some("ok"));
        assert_eq!(b.examples[0].code, "a: 1\n");
        assert_eq!(
            (
                b.code_blocks[0].lang.as_str(),
                b.code_blocks[0].code.as_str()
            ),
            ("yaml", "a: 1\n")
        );
        let html = &html[0];
        assert!(
            html.contains("<pre class=\"code\" tabindex=\"0\" data-lang=\"yaml\">"),
            "{html}"
        );
    }

    #[test]
    fn inline_html_is_escaped() {
        assert_eq!(
            inline_html("use `x` <img src=x>"),
            "use <code>x</code> &lt;img src=x&gt;"
        );
    }

    #[test]
    fn slugify_makes_kebab_case() {
        assert_eq!(
            slugify("Step-by-step troubleshooting"),
            "step-by-step-troubleshooting"
        );
        assert_eq!(slugify("What's `rpm`?"), "what-s-rpm");
        assert_eq!(slugify("Été — İx!"), "été-i-x");
        assert_eq!(slugify("?!"), "section");
    }
}
