//! Keys: a 128-bit hash (xxh3) of everything an output file is made from, so an incremental
//! build can tell that a file of the previous output is already what it would render.

use std::fmt;
use std::io::{self, Read};
use std::path::Path;
use std::sync::OnceLock;

use serde::Serialize;
use xxhash_rust::xxh3::Xxh3;

/// What one output file is made from, hashed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key(pub u128);

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:032x}", self.0)
    }
}

impl std::str::FromStr for Key {
    type Err = std::num::ParseIntError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        u128::from_str_radix(s, 16).map(Key)
    }
}

/// Builds a key from parts; each part is length-prefixed so `ab`+`c` and `a`+`bc` differ.
pub struct KeyHasher(Xxh3);

impl Default for KeyHasher {
    fn default() -> Self {
        KeyHasher(Xxh3::new())
    }
}

impl KeyHasher {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn bytes(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.update(&(bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
        self
    }

    pub fn str(&mut self, text: &str) -> &mut Self {
        self.bytes(text.as_bytes())
    }

    pub fn key(&mut self, key: Key) -> &mut Self {
        self.0.update(&key.0.to_le_bytes());
        self
    }

    /// A value as its JSON text (what a template sees of it).
    pub fn json(&mut self, value: &impl Serialize) -> &mut Self {
        // The JSON comes in many small writes (a quote, a key, a comma); the hasher takes
        // them a buffer at a time: fed one by one, it was two thirds of the hashing's cost.
        let mut writer = io::BufWriter::with_capacity(JSON_BUFFER, JsonWriter(&mut self.0));
        // Writing into a hasher cannot fail; a value that cannot be serialized cannot be
        // rendered either, and the render reports it.
        let _ = serde_json::to_writer(&mut writer, value);
        // Dropped, the buffer hands the hasher what is left.
        drop(writer);
        self.0.update(&[0xff]);
        self
    }

    pub fn finish(&self) -> Key {
        Key(self.0.digest128())
    }
}

/// Bytes of JSON gathered before the hasher takes them.
const JSON_BUFFER: usize = 8 * 1024;

struct JsonWriter<'a>(&'a mut Xxh3);

impl io::Write for JsonWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The key of some bytes.
pub fn of_bytes(bytes: &[u8]) -> Key {
    Key(xxhash_rust::xxh3::xxh3_128(bytes))
}

/// The key of a file's content, read in blocks (static files may be large).
pub fn of_file(path: &Path) -> io::Result<Key> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Xxh3::new();
    let mut buf = vec![0; 64 * 1024];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(Key(hasher.digest128()))
}

/// Identifies the errbook that renders: its version and its executable's size and modification
/// time, so a rebuilt errbook (even of the same version) never trusts another one's output.
pub fn build_id() -> Key {
    static ID: OnceLock<Key> = OnceLock::new();
    *ID.get_or_init(|| {
        let mut hasher = KeyHasher::new();
        hasher.str(env!("CARGO_PKG_VERSION"));
        let exe = std::env::current_exe().and_then(std::fs::metadata);
        match exe {
            Ok(meta) => {
                use std::time::UNIX_EPOCH;
                let modified = meta
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_nanos());
                hasher.bytes(&meta.len().to_le_bytes());
                hasher.bytes(&modified.to_le_bytes());
            }
            // Unknown: a key no other run shares, so nothing is reused.
            Err(_) => {
                hasher.bytes(&std::process::id().to_le_bytes());
                hasher.bytes(&format!("{:?}", std::time::SystemTime::now()).into_bytes());
            }
        }
        hasher.finish()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_delimited() {
        let ab_c = KeyHasher::new().str("ab").str("c").finish();
        let a_bc = KeyHasher::new().str("a").str("bc").finish();
        assert_ne!(ab_c, a_bc);
        assert_eq!(ab_c, KeyHasher::new().str("ab").str("c").finish());
    }

    #[test]
    fn keys_print_and_parse() {
        let key = of_bytes(b"page");
        assert_eq!(key.to_string().parse::<Key>().unwrap(), key);
        assert_eq!(key.to_string().len(), 32);
    }
}
