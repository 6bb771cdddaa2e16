//! Build-time syntax highlighting of fenced code blocks: syntect's grammars, a small palette of
//! token classes styled by `css/highlight.css` (light and dark, no client JS), and a cache of
//! highlighted blocks by content hash.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::{Arc, Mutex, OnceLock};

use pulldown_cmark_escape::escape_html_body_text;
use syntect::highlighting::{
    Color, HighlightIterator, HighlightState, Highlighter, ScopeSelectors, StyleModifier, Theme,
    ThemeItem, ThemeSettings,
};
use syntect::parsing::{ParseState, ScopeStack, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

/// The token classes and the scopes each one covers. A token gets the class of the most
/// specific matching selector (syntect's theme rules), so a YAML key (`entity.name.tag` inside
/// a plain string) is a key, not a string. Few classes keep pages small and let one stylesheet
/// choose colours that are readable on the code background in both colour schemes.
const PALETTE: &[(&str, &str)] = &[
    ("c", "comment, punctuation.definition.comment"),
    ("k", "keyword, storage"),
    ("s", "string, punctuation.definition.string"),
    ("n", "constant, support.constant"),
    (
        "t",
        "entity.name.tag, support.type.property-name, meta.mapping.key string, entity.other.attribute-name",
    ),
    (
        "f",
        "entity.name.function, entity.name.class, entity.name.type, support.function, support.class, variable.function",
    ),
    (
        "v",
        "variable.other, variable.parameter, variable.language, punctuation.definition.variable, entity.name.other.anchor",
    ),
    ("i", "markup.inserted"),
    ("d", "markup.deleted"),
    ("h", "markup.heading, meta.diff.header, markup.bold"),
];

/// Stop caching once this many bytes of highlighted HTML are held: the cache pays off for
/// blocks repeated across pages and for re-renders under `serve`, not for a site's every block.
const CACHE_BYTES: usize = 16 << 20;

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// The palette as a syntect theme whose "colour" is the token class's index (0: plain text).
fn palette_theme() -> &'static Theme {
    static THEME: OnceLock<Theme> = OnceLock::new();
    THEME.get_or_init(|| {
        let class = |i: usize| Color {
            r: i as u8,
            g: 0,
            b: 0,
            a: 0xff,
        };
        Theme {
            settings: ThemeSettings {
                foreground: Some(class(0)),
                ..ThemeSettings::default()
            },
            scopes: PALETTE
                .iter()
                .enumerate()
                .map(|(i, (_, selectors))| ThemeItem {
                    scope: ScopeSelectors::from_str(selectors).expect("valid scope selectors"),
                    style: StyleModifier {
                        foreground: Some(class(i + 1)),
                        background: None,
                        font_style: None,
                    },
                })
                .collect(),
            ..Theme::default()
        }
    })
}

struct Cache {
    blocks: HashMap<u128, Arc<str>>,
    bytes: usize,
}

fn cache() -> &'static Mutex<Cache> {
    static CACHE: OnceLock<Mutex<Cache>> = OnceLock::new();
    CACHE.get_or_init(|| {
        Mutex::new(Cache {
            blocks: HashMap::new(),
            bytes: 0,
        })
    })
}

/// Empties the cache of highlighted blocks (for benchmarks that time highlighting itself).
pub fn clear_cache() {
    if let Ok(mut cache) = cache().lock() {
        cache.blocks.clear();
        cache.bytes = 0;
    }
}

/// The grammar for a fence's language; `None` for plain text and unknown languages.
fn syntax_for(lang: &str) -> Option<&'static SyntaxReference> {
    if lang.is_empty() || matches!(lang, "text" | "txt" | "plain" | "plaintext" | "console") {
        return None;
    }
    let set = syntaxes();
    set.find_syntax_by_token(lang)
        .or_else(|| set.find_syntax_by_extension(lang))
        .filter(|s| s.name != "Plain Text")
}

/// A highlighted `<pre>` block; unknown languages are escaped plain text. The block is
/// focusable, so a keyboard can scroll a long line into view.
pub fn code_block(code: &str, lang: &str) -> String {
    let mut out = String::with_capacity(code.len() * 2 + 64);
    push_code_block(&mut out, code, lang);
    out
}

/// [`code_block`], appended to `out`.
pub fn push_code_block(out: &mut String, code: &str, lang: &str) {
    out.push_str("<pre class=\"code\" tabindex=\"0\"");
    if !lang.is_empty()
        && lang
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '+')
    {
        out.push_str(" data-lang=\"");
        out.push_str(lang);
        out.push('"');
    }
    out.push_str("><code>");
    match syntax_for(lang) {
        Some(syntax) => push_highlighted(out, code, lang, syntax),
        None => {
            let _ = escape_html_body_text(&mut *out, code);
        }
    }
    out.push_str("</code></pre>\n");
}

/// The highlighted code, from the cache when the same language and text were seen before.
fn push_highlighted(out: &mut String, code: &str, lang: &str, syntax: &SyntaxReference) {
    let key = {
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        hasher.update(lang.as_bytes());
        hasher.update(&[0]);
        hasher.update(code.as_bytes());
        hasher.digest128()
    };
    let cached = cache()
        .lock()
        .ok()
        .and_then(|c| c.blocks.get(&key).cloned());
    if let Some(html) = cached {
        out.push_str(&html);
        return;
    }
    let start = out.len();
    if highlight(out, code, syntax).is_err() {
        out.truncate(start);
        let _ = escape_html_body_text(&mut *out, code);
        return;
    }
    if let Ok(mut cache) = cache().lock() {
        let html = &out[start..];
        if cache.bytes + html.len() <= CACHE_BYTES {
            cache.bytes += html.len();
            cache.blocks.insert(key, Arc::from(html));
        }
    }
}

/// Tokens as `<span class="hl-X">` runs; neighbouring tokens of one class share a span and
/// plain text gets none.
fn highlight(out: &mut String, code: &str, syntax: &SyntaxReference) -> Result<(), syntect::Error> {
    let highlighter = Highlighter::new(palette_theme());
    let mut parse = ParseState::new(syntax);
    let mut state = HighlightState::new(&highlighter, ScopeStack::new());
    let mut open = 0u8;
    for line in LinesWithEndings::from(code) {
        let ops = parse.parse_line(line, syntaxes())?;
        for (style, text) in HighlightIterator::new(&mut state, &ops, line, &highlighter) {
            let class = style.foreground.r;
            if class != open && !text.is_empty() {
                if open != 0 {
                    out.push_str("</span>");
                }
                if class != 0 {
                    out.push_str("<span class=\"hl-");
                    out.push_str(PALETTE[usize::from(class) - 1].0);
                    out.push_str("\">");
                }
                open = class;
            }
            let _ = escape_html_body_text(&mut *out, text);
        }
    }
    if open != 0 {
        out.push_str("</span>");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_known_languages_and_escapes_the_rest() {
        let yaml = code_block("a: <b>\n", "yaml");
        assert!(yaml.contains("hl-"), "{yaml}");
        assert!(!yaml.contains("<b>"));
        let plain = code_block("<script>\n", "nosuchlang");
        assert!(plain.contains("&lt;script&gt;"));
        assert!(!plain.contains("hl-"));
    }

    #[test]
    fn yaml_keys_comments_and_numbers_get_their_classes() {
        let html = code_block("# the router\nrouter_settings:\n  num_retries: 3\n", "yaml");
        assert!(
            html.contains("<span class=\"hl-c\"># the router\n</span>"),
            "{html}"
        );
        assert!(
            html.contains("<span class=\"hl-t\">router_settings</span>"),
            "{html}"
        );
        assert!(html.contains("<span class=\"hl-n\">3</span>"), "{html}");
    }

    #[test]
    fn the_same_block_twice_is_the_same_html() {
        let code = "model_list:\n  - model_name: gpt-4o\n";
        assert_eq!(code_block(code, "yaml"), code_block(code, "yaml"));
        assert_ne!(code_block(code, "yaml"), code_block(code, "text"));
    }

    #[test]
    fn every_palette_class_has_a_colour_in_both_schemes() {
        let css = include_str!("../../static/css/highlight.css");
        let (light, dark) = css.split_once("prefers-color-scheme: dark").unwrap();
        for (class, _) in PALETTE {
            let rule = format!(".hl-{class} ");
            assert!(light.contains(&rule), "no light colour for {rule}");
            assert!(dark.contains(&rule), "no dark colour for {rule}");
        }
    }
}
