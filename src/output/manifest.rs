//! The record of an output tree: for each file, the key of what it was made from and the
//! identity (inode, size, modification time) it had when errbook wrote it. A record is only
//! ever a hint: a file is trusted only while it still has that identity, so a wrong or stale
//! record costs a re-render, never a wrong file.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::render::Key;

const HEADER: &str = "errbook output manifest 1";

/// Who a file on disk is: it changes when the file is replaced or written to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Identity {
    pub inode: u64,
    pub size: u64,
    pub modified_ns: i128,
}

impl Identity {
    pub fn of(meta: &fs::Metadata) -> Identity {
        #[cfg(unix)]
        let (inode, modified_ns) = {
            use std::os::unix::fs::MetadataExt;
            (
                meta.ino(),
                i128::from(meta.mtime()) * 1_000_000_000 + i128::from(meta.mtime_nsec()),
            )
        };
        #[cfg(not(unix))]
        let (inode, modified_ns) = (
            0,
            meta.modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos() as i128),
        );
        Identity {
            inode,
            size: meta.len(),
            modified_ns,
        }
    }

    /// The identity of the regular file at `path` (symbolic links are not followed).
    pub fn at(path: &Path) -> Option<Identity> {
        let meta = fs::symlink_metadata(path).ok()?;
        meta.is_file().then(|| Identity::of(&meta))
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Entry {
    pub key: Key,
    pub identity: Identity,
}

/// The files of one output tree, by path below it.
#[derive(Debug, Default)]
pub struct Manifest {
    pub files: HashMap<String, Entry>,
}

impl Manifest {
    /// Reads a manifest written for the output directory `output`; a missing, unreadable or
    /// foreign one is empty.
    pub fn read(path: &Path, output: &Path) -> Manifest {
        let Ok(text) = fs::read_to_string(path) else {
            return Manifest::default();
        };
        let mut lines = text.lines();
        if lines.next() != Some(HEADER) || lines.next() != Some(&*output.to_string_lossy()) {
            return Manifest::default();
        }
        let mut files = HashMap::new();
        for line in lines {
            let mut fields = line.splitn(5, ' ');
            let parsed = (|| {
                let key = fields.next()?.parse().ok()?;
                let inode = fields.next()?.parse().ok()?;
                let size = fields.next()?.parse().ok()?;
                let modified_ns = fields.next()?.parse().ok()?;
                let path = fields.next()?.to_string();
                Some((
                    path,
                    Entry {
                        key,
                        identity: Identity {
                            inode,
                            size,
                            modified_ns,
                        },
                    },
                ))
            })();
            match parsed {
                Some((path, entry)) => {
                    files.insert(path, entry);
                }
                // A damaged line means a damaged file: trust none of it.
                None => return Manifest::default(),
            }
        }
        Manifest { files }
    }

    /// Writes the manifest next to its final place, then renames it there.
    pub fn write(&self, path: &Path, output: &Path) -> Result<()> {
        let mut paths: Vec<&String> = self.files.keys().collect();
        paths.sort();
        let mut text = String::with_capacity(64 + paths.len() * 96);
        text.push_str(HEADER);
        text.push('\n');
        text.push_str(&output.to_string_lossy());
        text.push('\n');
        for path in paths {
            let Entry { key, identity } = self.files[path];
            // Paths are generated (no newlines); a stray one would only spoil the record.
            if path.contains('\n') {
                continue;
            }
            let _ = writeln!(
                text,
                "{key} {} {} {} {path}",
                identity.inode, identity.size, identity.modified_ns
            );
        }
        let temp = temp_path(path);
        fs::write(&temp, text).map_err(|e| Error::io("write", &temp, e))?;
        fs::rename(&temp, path).map_err(|e| Error::io("write", path, e))
    }

    /// Path by key, for files that keep their content but change their name.
    pub fn by_key(&self) -> HashMap<Key, &str> {
        self.files
            .iter()
            .map(|(path, entry)| (entry.key, path.as_str()))
            .collect()
    }
}

fn temp_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".tmp-{}", std::process::id()));
    path.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_a_foreign_output() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("m");
        let mut manifest = Manifest::default();
        let identity = Identity {
            inode: 7,
            size: 12,
            modified_ns: -3,
        };
        let key = crate::render::key::of_bytes(b"x");
        manifest
            .files
            .insert("a b/index.html".into(), Entry { key, identity });
        manifest.write(&file, Path::new("/site/public")).unwrap();
        let back = Manifest::read(&file, Path::new("/site/public"));
        let entry = back.files["a b/index.html"];
        assert_eq!((entry.key, entry.identity), (key, identity));
        assert!(
            Manifest::read(&file, Path::new("/elsewhere"))
                .files
                .is_empty()
        );
        fs::write(&file, format!("{HEADER}\n/site/public\nnot a line\n")).unwrap();
        assert!(
            Manifest::read(&file, Path::new("/site/public"))
                .files
                .is_empty()
        );
    }
}
