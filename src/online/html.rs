//! Reads what `check --online` needs from an HTML page: its `<title>`, its first `<h1>`, and
//! its visible text.
//!
//! Not a full HTML parser: a tag scanner that skips comments, scripts and styles, runs inline
//! elements' text together (syntax highlighters split one word into many `<span>`s) and puts a
//! space where a block element ends. Entities are decoded with the full HTML5 table.

/// What a page says about itself.
#[derive(Debug, Default, PartialEq)]
pub struct PageText {
    pub title: Option<String>,
    pub heading: Option<String>,
    /// The visible text (`<body>` and all), entities decoded.
    pub text: String,
}

/// Elements whose text is not shown.
const HIDDEN: &[&str] = &["script", "style", "noscript", "template", "svg", "head"];

/// Elements that do not break a run of text.
const INLINE: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "font", "i", "ins",
    "kbd", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var",
    "wbr",
];

/// What has been read so far, and where the scanner is.
#[derive(Default)]
struct Reader {
    text: String,
    title: Option<String>,
    heading: Option<String>,
    in_title: bool,
    in_h1: bool,
    /// The element whose text is being skipped (`script`, `style`...).
    hidden: Option<String>,
}

impl Reader {
    /// Text between tags.
    fn push(&mut self, raw: &str) {
        if self.in_title
            && let Some(t) = self.title.as_mut()
        {
            t.push_str(raw);
        }
        if self.hidden.is_some() {
            return;
        }
        if self.in_h1
            && let Some(h) = self.heading.as_mut()
        {
            h.push_str(raw);
        }
        self.text.push_str(raw);
    }

    fn title_tag(&mut self, closing: bool) {
        self.in_title = !closing;
        if self.in_title && self.title.is_none() {
            self.title = Some(String::new());
        }
    }

    /// A tag named `name` (lowercase); `tag` is all between `<` and `>`.
    fn tag(&mut self, name: String, tag: &str) {
        let closing = tag.starts_with('/');
        if let Some(open) = &self.hidden {
            // Inside <script>, <style>, ...: only its own end tag counts. The <title> sits in
            // <head>, so it is read before <head> is skipped.
            if closing && *open == name {
                self.hidden = None;
            } else if name == "title" && open == "head" {
                self.title_tag(closing);
            }
            return;
        }
        match name.as_str() {
            "title" => self.title_tag(closing),
            "h1" => {
                self.in_h1 = !closing && self.heading.as_ref().is_none_or(|h| h.is_empty());
                if self.in_h1 {
                    self.heading = Some(String::new());
                }
            }
            _ => {}
        }
        if !closing && HIDDEN.contains(&name.as_str()) && !tag.trim_end().ends_with('/') {
            self.hidden = Some(name);
            return;
        }
        if !INLINE.contains(&name.as_str()) {
            self.text.push(' ');
            if self.in_h1
                && let Some(h) = self.heading.as_mut()
            {
                h.push(' ');
            }
        }
    }
}

pub fn read(html: &str) -> PageText {
    let mut reader = Reader {
        text: String::with_capacity(html.len() / 2),
        ..Reader::default()
    };
    let mut rest = html;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            reader.push(rest);
            break;
        };
        reader.push(&rest[..lt]);
        rest = &rest[lt..];
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |end| &after[end + 3..]);
            continue;
        }
        let Some(gt) = tag_end(rest) else {
            break;
        };
        let tag = &rest[1..gt];
        rest = &rest[gt + 1..];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if !name.is_empty() {
            reader.tag(name, tag);
        }
    }
    PageText {
        title: reader.title.map(|t| clean(&t)).filter(|t| !t.is_empty()),
        heading: reader.heading.map(|h| clean(&h)).filter(|h| !h.is_empty()),
        text: htmlize::unescape(reader.text).into_owned(),
    }
}

/// The `>` closing the tag that starts `s`, skipping quoted attribute values.
fn tag_end(s: &str) -> Option<usize> {
    let mut quote: Option<u8> = None;
    for (i, b) in s.bytes().enumerate().skip(1) {
        match (quote, b) {
            (Some(q), b) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'>') => return Some(i),
            _ => {}
        }
    }
    None
}

/// Entities decoded, whitespace collapsed.
fn clean(text: &str) -> String {
    htmlize::unescape(text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_title_heading_and_visible_text() {
        let page = read(concat!(
            "<!doctype html><html><head><meta charset=utf-8><title>Fallbacks &amp; retries | Docs</title>",
            "<script>var x = '<h1>no</h1>';</script><style>h1{}</style></head>",
            "<body><!-- <h1>comment</h1> --><nav>Menu</nav><h1 class=\"t\">Fallbacks <code>&lt;x&gt;</code></h1>",
            "<pre><code><span class=\"token\">model_</span><span>group</span>=<b>x</b><br>",
            "next line</code></pre><p title=\"a > b\">It&#39;s &ldquo;quoted&rdquo;</p></body></html>"
        ));
        assert_eq!(page.title.as_deref(), Some("Fallbacks & retries | Docs"));
        assert_eq!(page.heading.as_deref(), Some("Fallbacks <x>"));
        let words: Vec<&str> = page.text.split_whitespace().collect();
        assert_eq!(
            words,
            [
                "Menu",
                "Fallbacks",
                "<x>",
                "model_group=x",
                "next",
                "line",
                "It's",
                "\u{201c}quoted\u{201d}"
            ]
        );
    }

    #[test]
    fn unterminated_markup_is_not_a_problem() {
        assert_eq!(read("<title>A").title.as_deref(), Some("A"));
        assert_eq!(read("text <a href=\"x").text.trim(), "text");
        assert_eq!(read("<!-- open").text, "");
        assert_eq!(read("<script>never closed").text.trim(), "");
    }
}
