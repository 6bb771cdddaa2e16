//! Normalized text: the words the text rules compare, lowercased and without punctuation,
//! read as hashes straight from the page text so that no rule copies it.

/// Words of a text, lowercased, without punctuation: what "the same text" compares. A word is
/// a maximal run of alphanumeric characters, each lowercased on its own.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.extend(c.to_lowercase());
        } else {
            pending_space = true;
        }
    }
    out
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0100_0000_01b3;

/// A fast, stable 64-bit FNV-1a hash of a text. The quality rules hash millions of short
/// strings; SipHash's protection against hostile keys buys nothing there.
pub const fn fingerprint(text: &str) -> u64 {
    let bytes = text.as_bytes();
    let mut hash = FNV_OFFSET;
    let mut i = 0;
    while i < bytes.len() {
        hash = (hash ^ bytes[i] as u64).wrapping_mul(FNV_PRIME);
        i += 1;
    }
    hash
}

/// [`fingerprint`] of the lowercased text, without making the lowercased copy when the text
/// is ASCII.
pub fn fingerprint_lowercase(text: &str) -> u64 {
    if !text.is_ascii() {
        return fingerprint(&text.to_lowercase());
    }
    text.bytes().fold(FNV_OFFSET, |hash, byte| {
        (hash ^ u64::from(byte.to_ascii_lowercase())).wrapping_mul(FNV_PRIME)
    })
}

/// One word of a normalized text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Word {
    /// [`fingerprint`] of the lowercased word.
    pub hash: u64,
    /// Length of the lowercased word in bytes.
    pub len: usize,
}

/// For each ASCII byte: its lowercase form if it is a letter or digit, else 0.
const ASCII_WORD: [u8; 128] = {
    let mut table = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        let byte = b as u8;
        if byte.is_ascii_alphanumeric() {
            table[b] = byte.to_ascii_lowercase();
        }
        b += 1;
    }
    table
};

/// Calls `each` with every word of the normalized `text` (see [`normalize`]), in order,
/// without building the normalized text: ASCII, nearly all of it, is one table look-up and
/// one multiply per byte.
pub fn for_each_word(text: &str, mut each: impl FnMut(Word)) {
    let bytes = text.as_bytes();
    let (mut hash, mut len, mut i) = (FNV_OFFSET, 0, 0);
    while i < bytes.len() {
        let byte = bytes[i];
        if byte.is_ascii() {
            i += 1;
            let lower = ASCII_WORD[usize::from(byte)];
            if lower != 0 {
                hash = (hash ^ u64::from(lower)).wrapping_mul(FNV_PRIME);
                len += 1;
                continue;
            }
        } else {
            let c = text[i..].chars().next().unwrap_or_default();
            i += c.len_utf8();
            if c.is_alphanumeric() {
                for lower in c.to_lowercase() {
                    let mut buf = [0; 4];
                    for &b in lower.encode_utf8(&mut buf).as_bytes() {
                        hash = (hash ^ u64::from(b)).wrapping_mul(FNV_PRIME);
                        len += 1;
                    }
                }
                continue;
            }
        }
        if len > 0 {
            each(Word { hash, len });
            (hash, len) = (FNV_OFFSET, 0);
        }
    }
    if len > 0 {
        each(Word { hash, len });
    }
}

/// A hash of a whole normalized text from the hashes of its words, in order: two texts with
/// the same words in the same order, and only those (up to hash collisions), get the same.
#[derive(Debug, Clone, Copy)]
pub struct TextHash(u64);

impl Default for TextHash {
    fn default() -> Self {
        TextHash(FNV_OFFSET)
    }
}

impl TextHash {
    pub fn add(&mut self, word: Word) {
        self.0 = (self.0.rotate_left(23) ^ word.hash).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }

    pub fn finish(self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_ignores_case_space_and_punctuation() {
        assert_eq!(
            normalize("Check the  LOG, then retry!"),
            "check the log then retry"
        );
    }

    const TEXTS: [&str; 12] = [
        "",
        " ",
        "a",
        "ÀB",
        "x_y-z",
        "Kelvin \u{212A} and ΣΑΣ",
        "tab\tnew\nline\r\n",
        "mixed café2Go, ÉTÉ…done",
        "\u{0}\u{feff}zero-width\u{200b}joiner",
        "数字123テスト",
        "trailing punctuation!!!",
        "İstanbul Straße",
    ];

    #[test]
    fn normalize_lowercases_each_character() {
        assert_eq!(normalize("ΣΑΣ İx"), "σασ i\u{307}x");
    }

    #[test]
    fn words_are_the_words_of_the_normalized_text() {
        for text in TEXTS {
            let mut words = Vec::new();
            for_each_word(text, |w| words.push(w));
            let normalized = normalize(text);
            let expected: Vec<Word> = normalized
                .split(' ')
                .filter(|w| !w.is_empty())
                .map(|w| Word {
                    hash: fingerprint(w),
                    len: w.len(),
                })
                .collect();
            assert_eq!(words, expected, "{text:?}");
        }
    }

    #[test]
    fn text_hash_depends_on_words_and_their_order() {
        let hash = |text: &str| {
            let mut h = TextHash::default();
            for_each_word(text, |w| h.add(w));
            h.finish()
        };
        assert_eq!(hash("Retry, then LOG."), hash("retry then log"));
        assert_ne!(hash("retry then log"), hash("log then retry"));
        assert_ne!(hash("ab c"), hash("a bc"));
    }

    #[test]
    fn lowercase_fingerprint_is_the_fingerprint_of_the_lowercase() {
        for text in ["Rpm_Limit", "ÉTÉ x", ""] {
            assert_eq!(
                fingerprint_lowercase(text),
                fingerprint(&text.to_lowercase())
            );
        }
    }
}
