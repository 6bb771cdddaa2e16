//! Signatures as the last build prepared them for search ([`Prepared`]: key candidates,
//! literal runs, partial pattern), kept in `.errbook/cache/`. Preparing a regex parses it
//! twice, and preparing every signature of the site was the largest part of an incremental
//! build's search index.
//!
//! The file is only a hint: what preparing a signature finds depends on the signature alone,
//! so it is taken back for a signature with the same kind (literal or regex) and text, under
//! the same errbook executable (its build id).
//!
//! Layout ([`crate::cache_file`] around it; integers LEB128 varints):
//!
//! ```text
//! count, then per signature: kind (0 literal, 1 regex), text, specificity,
//!   candidates (count, then each), runs (count, then each),
//!   partial (0, or 1 then the pattern and its lead)
//! ```

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::Path;

use super::signatures::Prepared;
use crate::cache_file::{self, Kept, Reader, bytes, varint};
use crate::content::Signature;

const HEADER: &[u8] = b"errbook prepared signatures 1\n";

/// The signatures the previous build prepared, by kind and text.
pub struct Previous {
    prepared: HashMap<(bool, Box<str>), Prepared>,
}

impl Previous {
    /// The kept signatures; `None` when there is no usable file for this errbook.
    pub fn read(path: &Path) -> Option<Previous> {
        let kept = Kept::read(path, HEADER)?;
        let mut r = Reader(kept.body());
        let count = r.varint()? as usize;
        let mut prepared = HashMap::with_capacity(count.min(r.0.len()));
        let strings = |r: &mut Reader| -> Option<Vec<String>> {
            let n = r.varint()? as usize;
            let mut out = Vec::with_capacity(n.min(r.0.len()));
            for _ in 0..n {
                out.push(r.str()?.to_string());
            }
            Some(out)
        };
        for _ in 0..count {
            let regex = match r.varint()? {
                0 => false,
                1 => true,
                _ => return None,
            };
            let text = r.str()?.into();
            let specificity = r.varint()?;
            let candidates = strings(&mut r)?;
            let runs = strings(&mut r)?;
            let partial = match r.varint()? {
                0 => None,
                1 => Some((r.str()?.to_string(), r.str()?.to_string())),
                _ => return None,
            };
            let signature = Prepared {
                specificity,
                candidates,
                runs,
                partial,
            };
            prepared.insert((regex, text), signature);
        }
        r.is_empty().then_some(Previous { prepared })
    }

    /// What the previous build found preparing this signature, if it prepared it.
    pub fn get(&self, signature: &Signature) -> Option<&Prepared> {
        // The map's key is owned; a lookup by borrowed parts would need a custom key type
        // for a few thousand short strings.
        let key = (signature.is_regex(), Box::<str>::from(signature.text()));
        self.prepared.get(&key)
    }
}

/// Writes the site's prepared signatures for the next build; the file is replaced whole.
pub fn write(path: &Path, signatures: &[(&Signature, &Prepared)]) -> io::Result<()> {
    cache_file::write(path, HEADER, |w| {
        varint(w, signatures.len() as u32)?;
        let strings = |w: &mut dyn Write, all: &[String]| -> io::Result<()> {
            varint(w, all.len() as u32)?;
            all.iter().try_for_each(|s| bytes(w, s.as_bytes()))
        };
        for (signature, prepared) in signatures {
            varint(w, u32::from(signature.is_regex()))?;
            bytes(w, signature.text().as_bytes())?;
            varint(w, prepared.specificity)?;
            strings(w, &prepared.candidates)?;
            strings(w, &prepared.runs)?;
            match &prepared.partial {
                None => varint(w, 0)?,
                Some((pattern, lead)) => {
                    varint(w, 1)?;
                    bytes(w, pattern.as_bytes())?;
                    bytes(w, lead.as_bytes())?;
                }
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_signatures_read_back_as_prepared() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("prepared");
        let signatures = [
            Signature::Literal("No deployments available for selected model".into()),
            Signature::regex(r"Rate limit reached for (?:\S+ )?model `[^`]+`"),
            Signature::regex(r"litellm\.\w+Error: .*Connection error\."),
            Signature::Literal("x".into()),
        ];
        let prepared: Vec<Prepared> = signatures.iter().map(Prepared::of).collect();
        assert!(prepared.iter().any(|p| p.partial.is_some()));
        let pairs: Vec<(&Signature, &Prepared)> = signatures.iter().zip(&prepared).collect();
        write(&path, &pairs).unwrap();
        let previous = Previous::read(&path).unwrap();
        for (signature, prepared) in pairs {
            assert_eq!(previous.get(signature), Some(prepared));
        }
        // The same text as the other kind was not prepared.
        assert_eq!(previous.get(&Signature::regex("x")), None);
    }
}
