//! Build-time syntax highlighting of fenced code blocks: tree-sitter grammars for YAML, JSON
//! and TOML, syntect's grammars for every other language, a small palette of token classes
//! styled by `css/highlight.css` (light and dark, no client JS), and a cache of highlighted
//! blocks by content hash.

mod textmate;
mod treesitter;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use pulldown_cmark_escape::escape_html_body_text;

/// The token classes and the syntect scopes each one covers (the tree-sitter grammars map their
/// captures onto the same classes). A token gets the class of the most specific matching
/// selector (syntect's theme rules), so a YAML key (`entity.name.tag` inside a plain string)
/// is a key, not a string. Few classes keep pages small and let one stylesheet
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

/// Ends the span of class `open` and starts one of class `class` where a run of tokens
/// changes class (1-based indexes into [`PALETTE`]; 0 is plain text, which has no span).
fn switch_span(out: &mut String, open: u8, class: u8) {
    if open != 0 {
        out.push_str("</span>");
    }
    if class != 0 {
        out.push_str("<span class=\"hl-");
        out.push_str(PALETTE[usize::from(class) - 1].0);
        out.push_str("\">");
    }
}

/// Stop caching once this many bytes of highlighted HTML are held: the cache pays off for
/// blocks repeated across pages and for re-renders under `serve`, not for a site's every block.
const CACHE_BYTES: usize = 16 << 20;

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
    if treesitter::grammar_for(lang).is_some() || textmate::syntax_for(lang).is_some() {
        push_highlighted(out, code, lang);
    } else {
        let _ = escape_html_body_text(&mut *out, code);
    }
    out.push_str("</code></pre>\n");
}

/// The highlighted code, from the cache when the same language and text were seen before.
fn push_highlighted(out: &mut String, code: &str, lang: &str) {
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
    if !highlight(out, code, lang) {
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

/// Appends the highlighted code: with the tree-sitter grammar where there is one and the code
/// parses, else with syntect's. False if neither could.
fn highlight(out: &mut String, code: &str, lang: &str) -> bool {
    let start = out.len();
    if let Some(grammar) = treesitter::grammar_for(lang) {
        if treesitter::highlight(out, code, grammar) {
            return true;
        }
        out.truncate(start);
    }
    textmate::syntax_for(lang).is_some_and(|syntax| textmate::highlight(out, code, syntax).is_ok())
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
        // tree-sitter's comment node ends before the newline (syntect's span took it in).
        assert!(
            html.contains("<span class=\"hl-c\"># the router</span>\n"),
            "{html}"
        );
        assert!(
            html.contains("<span class=\"hl-t\">router_settings</span>"),
            "{html}"
        );
        assert!(html.contains("<span class=\"hl-n\">3</span>"), "{html}");
    }

    #[test]
    fn yaml_quoted_keys_anchors_and_lists() {
        let html = code_block(
            "base: &defaults\n  \"key\": 'value' # note\nlist:\n  - gpt-4o\n  - 1.5\n  - on: true\n",
            "yaml",
        );
        for part in [
            "<span class=\"hl-t\">base</span>: &amp;<span class=\"hl-v\">defaults</span>",
            "<span class=\"hl-t\">\"key\"</span>: <span class=\"hl-s\">'value'</span>",
            "<span class=\"hl-c\"># note</span>",
            "  - <span class=\"hl-s\">gpt-4o</span>\n  - <span class=\"hl-n\">1.5</span>",
            "<span class=\"hl-t\">on</span>: <span class=\"hl-n\">true</span>",
        ] {
            assert!(html.contains(part), "{part} not in {html}");
        }
    }

    #[test]
    fn yaml_that_does_not_parse_is_highlighted_by_syntect() {
        let code = "model_list:\n  - model_name: gpt-4o\n   bad: [\n";
        let mut direct = String::new();
        let grammar = treesitter::grammar_for("yaml").unwrap();
        assert!(!treesitter::highlight(&mut direct, code, grammar));
        let html = code_block(code, "yaml");
        assert!(
            html.contains("<span class=\"hl-t\">model_name</span>"),
            "{html}"
        );
    }

    #[test]
    fn json_and_toml_keys_values_and_comments() {
        let json = code_block("{\"a\": [1, \"<b>\", null]} // x\n", "json");
        assert_eq!(
            json,
            "<pre class=\"code\" tabindex=\"0\" data-lang=\"json\"><code>{<span class=\"hl-t\">\"a\"</span>: [<span class=\"hl-n\">1</span>, <span class=\"hl-s\">\"&lt;b&gt;\"</span>, <span class=\"hl-n\">null</span>]} <span class=\"hl-c\">// x</span>\n</code></pre>\n"
        );
        let toml = code_block("# c\n[server]\nport = 8080\nhost = \"é\"\n", "toml");
        for part in [
            "<span class=\"hl-c\"># c</span>",
            "[<span class=\"hl-t\">server</span>]",
            "<span class=\"hl-t\">port</span> = <span class=\"hl-n\">8080</span>",
            "<span class=\"hl-s\">\"é\"</span>",
        ] {
            assert!(toml.contains(part), "{part} not in {toml}");
        }
    }

    #[test]
    fn the_same_block_twice_is_the_same_html() {
        let code = "model_list:\n  - model_name: gpt-4o\n";
        assert_eq!(code_block(code, "yaml"), code_block(code, "yaml"));
        assert_ne!(code_block(code, "yaml"), code_block(code, "text"));
    }

    #[test]
    fn every_palette_class_has_a_colour_in_both_schemes() {
        let css = include_str!("../../../static/css/highlight.css");
        let (light, dark) = css.split_once("prefers-color-scheme: dark").unwrap();
        for (class, _) in PALETTE {
            let rule = format!(".hl-{class} ");
            assert!(light.contains(&rule), "no light colour for {rule}");
            assert!(dark.contains(&rule), "no dark colour for {rule}");
        }
    }
}
