//! Highlighting with syntect's TextMate grammars (every language without a tree-sitter grammar
//! here): the palette as a theme, and a per-thread cache of highlighted lines.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::OnceLock;

use pulldown_cmark_escape::escape_html_body_text;
use syntect::highlighting::{
    Color, HighlightIterator, HighlightState, Highlighter, ScopeSelectors, StyleModifier, Theme,
    ThemeItem, ThemeSettings,
};
use syntect::parsing::{ParseState, ScopeStack, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

use super::PALETTE;

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

/// The grammar for a fence's language; `None` for plain text and unknown languages.
pub(super) fn syntax_for(lang: &str) -> Option<&'static SyntaxReference> {
    if lang.is_empty() || matches!(lang, "text" | "txt" | "plain" | "plaintext" | "console") {
        return None;
    }
    let set = syntaxes();
    set.find_syntax_by_token(lang)
        .or_else(|| set.find_syntax_by_extension(lang))
        .filter(|s| s.name != "Plain Text")
}

/// Stop caching lines once a thread holds this many states, or once the threads together hold
/// this many bytes of lines.
const LINE_CACHE_STATES: usize = 4_096;
const LINE_CACHE_BYTES: usize = 8 << 20;

/// Where highlighting stands at the start of a line: the parser's and the highlighter's
/// state, and the class of the span left open by the line before.
type LineStart = (ParseState, HighlightState, u8);

/// Highlighted lines by the state they start in and their text. A grammar's output for a
/// line depends on nothing else, and the lines of a knowledge base's code blocks repeat
/// (the same config keys, the same commands), so a line seen in the same state is copied.
#[derive(Default)]
struct LineCache {
    /// Every line-start state met, by index.
    starts: Vec<LineStart>,
    /// Indexes into `starts` by a hash of the scope stack and the open class: states are
    /// only comparable for equality.
    by_scopes: HashMap<u64, Vec<u32>>,
    /// The line's HTML and the state the next line starts in, by (start state, line hash).
    lines: HashMap<(u32, u128), (Box<str>, u32)>,
    bytes: usize,
}

impl LineCache {
    /// The index of a line-start state, added when new; `None` once the cache is full.
    fn intern(&mut self, start: &LineStart) -> Option<u32> {
        let bucket = {
            use std::hash::{Hash, Hasher};
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            start.1.path.as_slice().hash(&mut hasher);
            start.2.hash(&mut hasher);
            hasher.finish()
        };
        let same = self.by_scopes.entry(bucket).or_default();
        if let Some(&i) = same.iter().find(|&&i| self.starts[i as usize] == *start) {
            return Some(i);
        }
        if self.starts.len() >= LINE_CACHE_STATES {
            return None;
        }
        let i = self.starts.len() as u32;
        same.push(i);
        self.starts.push(start.clone());
        Some(i)
    }

    /// Where a line starts: its index in the cache, or the state itself once the cache is full.
    fn locate(&mut self, start: LineStart) -> At {
        match self.intern(&start) {
            Some(i) => At::Cached(i),
            None => At::Live(start),
        }
    }
}

/// Where highlighting stands at the start of a line: a state the cache holds (so the line's
/// HTML may be cached too), or one it has no room for.
enum At {
    Cached(u32),
    Live(LineStart),
}

thread_local! {
    static LINES: std::cell::RefCell<LineCache> = std::cell::RefCell::default();
}

/// Tokens as `<span class="hl-X">` runs; neighbouring tokens of one class share a span and
/// plain text gets none. Lines already highlighted in the same state come from the cache.
pub(super) fn highlight(
    out: &mut String,
    code: &str,
    syntax: &SyntaxReference,
) -> Result<(), syntect::Error> {
    let highlighter = Highlighter::new(palette_theme());
    let initial: LineStart = (
        ParseState::new(syntax),
        HighlightState::new(&highlighter, ScopeStack::new()),
        0,
    );
    LINES.with_borrow_mut(|cache| {
        let mut at = cache.locate(initial);
        for line in LinesWithEndings::from(code) {
            let key = match at {
                At::Cached(i) => Some((i, xxhash_rust::xxh3::xxh3_128(line.as_bytes()))),
                At::Live(_) => None,
            };
            if let Some((html, next)) = key.and_then(|k| cache.lines.get(&k)) {
                out.push_str(html);
                at = At::Cached(*next);
                continue;
            }
            let mut start = match at {
                At::Cached(i) => cache.starts[i as usize].clone(),
                At::Live(start) => start,
            };
            let from = out.len();
            highlight_line(out, line, &mut start, &highlighter)?;
            let line_html = from..out.len();
            at = cache.locate(start);
            if let (Some(key), At::Cached(next)) = (key, &at)
                && cache.bytes < LINE_CACHE_BYTES / rayon::current_num_threads()
            {
                cache.bytes += line_html.len() + line.len();
                cache.lines.insert(key, (out[line_html].into(), *next));
            }
        }
        let open = match &at {
            At::Cached(i) => cache.starts[*i as usize].2,
            At::Live(start) => start.2,
        };
        super::switch_span(out, open, 0);
        Ok(())
    })
}

/// Highlights one line from `start`, which it leaves as the next line's start.
fn highlight_line(
    out: &mut String,
    line: &str,
    (parse, state, open): &mut LineStart,
    highlighter: &Highlighter,
) -> Result<(), syntect::Error> {
    let ops = parse.parse_line(line, syntaxes())?;
    for (style, text) in HighlightIterator::new(state, &ops, line, highlighter) {
        let class = style.foreground.r;
        if class != *open && !text.is_empty() {
            super::switch_span(out, *open, class);
            *open = class;
        }
        let _ = escape_html_body_text(&mut *out, text);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn highlighted(code: &str, lang: &str) -> String {
        let mut out = String::new();
        highlight(&mut out, code, syntax_for(lang).unwrap()).unwrap();
        out
    }

    /// The same line in another state (here inside a string) must not come from the cache:
    /// every block highlights as it does on a thread whose line cache is empty.
    #[test]
    fn cached_lines_give_what_a_cold_cache_gives() {
        let blocks = [
            ("x = 1\nprint(x)\n", "python"),
            ("'''\nx = 1\nprint(x)\n'''\nx = 1\n", "python"),
            ("x = 1\n# x = 1\nprint(x)\n", "python"),
            ("echo \"x = 1\"\nx=1\n", "bash"),
            ("x = 1\nprint(x)\n", "python"),
        ];
        let warm: Vec<String> = blocks.iter().map(|(c, l)| highlighted(c, l)).collect();
        for ((code, lang), warm) in blocks.iter().zip(&warm) {
            let cold = std::thread::scope(|s| s.spawn(|| highlighted(code, lang)).join().unwrap());
            assert_eq!(&cold, warm, "{lang}: {code}");
        }
        // The second block's `x = 1` is inside a string, the first's is not.
        assert!(!warm[0].contains("hl-s"), "{}", warm[0]);
        assert!(warm[1].contains("'''\nx = 1\n"), "{}", warm[1]);
        assert!(LINES.with_borrow(|cache| !cache.lines.is_empty()));
    }
}
