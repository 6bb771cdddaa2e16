//! The files a build keeps in `.errbook/cache/` for the next one: a header line, the build id
//! of the errbook that wrote them, a body, and an xxh3-128 checksum of all that. They are
//! written whole or not at all, and read back only when header, build id and checksum agree:
//! a missing, foreign or damaged file reads as nothing kept.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};

use xxhash_rust::xxh3::Xxh3;

use crate::render::key::build_id;
use crate::search::postings::Varint;

/// A file a build keeps for the next one, and whether this build may take from it.
#[derive(Debug, Clone)]
pub struct KeptFile {
    pub path: PathBuf,
    /// False for a clean build: trust nothing kept (the file is still written for the next).
    pub reuse: bool,
}

impl KeptFile {
    /// What `read` makes of the file, unless this build may not take from it.
    pub fn read_with<T>(&self, read: impl FnOnce(&Path) -> Option<T>) -> Option<T> {
        if self.reuse { read(&self.path) } else { None }
    }
}

/// A cache file read back and checked; its body is what the writer wrote after the build id.
pub struct Kept {
    bytes: Vec<u8>,
    body: Range<usize>,
}

impl Kept {
    /// The file at `path` when it starts with `header`, was written by this errbook and its
    /// checksum holds; `None` otherwise.
    pub fn read(path: &Path, header: &[u8]) -> Option<Kept> {
        let bytes = fs::read(path).ok()?;
        let end = bytes.len().checked_sub(16)?;
        let (written, sum) = bytes.split_at(end);
        if xxhash_rust::xxh3::xxh3_128(written).to_le_bytes() != sum {
            return None;
        }
        let start = header.len() + 16;
        let id = written.strip_prefix(header)?.get(..16)?;
        (id == build_id().0.to_le_bytes()).then_some(Kept {
            body: start..end,
            bytes,
        })
    }

    pub fn body(&self) -> &[u8] {
        &self.bytes[self.body.clone()]
    }
}

/// Writes `header`, the build id and what `body` writes to `path`, then the checksum. The file
/// is replaced whole: it is written beside and renamed over, and on failure nothing is left.
pub fn write(
    path: &Path,
    header: &[u8],
    body: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    let partial = path.with_extension(format!("partial-{}", std::process::id()));
    let written = (|| {
        let file = fs::File::create(&partial)?;
        let mut w = BufWriter::with_capacity(1 << 16, Summed(file, Xxh3::new()));
        w.write_all(header)?;
        w.write_all(&build_id().0.to_le_bytes())?;
        body(&mut w)?;
        let Summed(mut file, sum) = w.into_inner().map_err(|e| e.into_error())?;
        file.write_all(&sum.digest128().to_le_bytes())?;
        Ok(())
    })();
    let done = written.and_then(|()| fs::rename(&partial, path));
    if done.is_err() {
        let _ = fs::remove_file(&partial);
    }
    done
}

/// A file and the hash of what was written to it.
struct Summed(fs::File, Xxh3);

impl Write for Summed {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.0.write(buf)?;
        self.1.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

pub fn varint(w: &mut dyn Write, n: u32) -> io::Result<()> {
    w.write_all(Varint::of(n).as_bytes())
}

/// A length (varint) and the bytes.
pub fn bytes(w: &mut dyn Write, b: &[u8]) -> io::Result<()> {
    varint(w, b.len() as u32)?;
    w.write_all(b)
}

/// Reads a body back; every read is checked, so a damaged body gives `None`.
pub struct Reader<'a>(pub &'a [u8]);

impl<'a> Reader<'a> {
    pub fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }

    pub fn varint(&mut self) -> Option<u32> {
        Varint::read(&mut self.0)
    }

    /// What [`bytes`] wrote.
    pub fn bytes(&mut self) -> Option<&'a [u8]> {
        let len = self.varint()? as usize;
        self.take(len)
    }

    pub fn str(&mut self) -> Option<&'a str> {
        std::str::from_utf8(self.bytes()?).ok()
    }

    pub fn u128(&mut self) -> Option<u128> {
        Some(u128::from_le_bytes(self.take(16)?.try_into().ok()?))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &[u8] = b"errbook test cache 1\n";

    fn written(dir: &Path) -> std::path::PathBuf {
        let path = dir.join("sub/kept");
        write(&path, HEADER, |w| {
            bytes(w, b"hello")?;
            varint(w, 300)
        })
        .unwrap();
        path
    }

    #[test]
    fn a_file_reads_back_as_written() {
        let dir = tempfile::tempdir().unwrap();
        let kept = Kept::read(&written(dir.path()), HEADER).unwrap();
        let mut r = Reader(kept.body());
        assert_eq!(r.str(), Some("hello"));
        assert_eq!(r.varint(), Some(300));
        assert!(r.is_empty());
        assert_eq!(r.take(1), None);
    }

    #[test]
    fn another_header_a_damaged_or_a_truncated_file_reads_as_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = written(dir.path());
        assert!(Kept::read(&path, b"errbook other cache 1\n").is_none());
        let good = fs::read(&path).unwrap();
        for at in [0, HEADER.len() + 3, good.len() / 2, good.len() - 1] {
            let mut bad = good.clone();
            bad[at] ^= 1;
            fs::write(&path, &bad).unwrap();
            assert!(Kept::read(&path, HEADER).is_none(), "bit flipped at {at}");
        }
        fs::write(&path, &good[..good.len() - 1]).unwrap();
        assert!(Kept::read(&path, HEADER).is_none());
        fs::write(&path, b"").unwrap();
        assert!(Kept::read(&path, HEADER).is_none());
    }

    #[test]
    fn a_file_that_cannot_be_written_is_an_error_and_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("file"), "x").unwrap();
        let under_a_file = dir.path().join("file/kept");
        assert!(write(&under_a_file, HEADER, |_| Ok(())).is_err());
        fs::create_dir(dir.path().join("dir")).unwrap();
        assert!(write(&dir.path().join("dir"), HEADER, |_| Ok(())).is_err());
        let left: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 2, "only the file and the directory");
        assert!(Kept::read(&dir.path().join("dir"), HEADER).is_none());
    }
}
