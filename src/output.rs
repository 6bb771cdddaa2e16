//! Write: the rendered site to disk, atomically. The new site is written to a fresh directory
//! beside the output and swapped in at the end, so a failed or interrupted build leaves the
//! previous output exactly as it was.

use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::{Error, Result};

/// Where rendered files go: a staging directory for `build`; an in-memory snapshot for `serve`.
pub trait Sink: Sync {
    /// Stores one file at a relative path with `/` separators, e.g. `litellm/x/index.html`.
    fn put(&self, path: &str, contents: Contents) -> Result<()>;
}

#[derive(Debug)]
pub enum Contents {
    Bytes(Vec<u8>),
    /// A file copied as is (from `static/`).
    Copy(PathBuf),
}

/// Marks directories that errbook made while building, so a later build can clear them away.
const STAGING_MARK: &str = ".errbook-staging-";

/// A fresh directory beside the output that receives the new site. [`Staging::commit`] swaps
/// it in; dropping it uncommitted removes it, leaving the previous output untouched.
pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
    committed: bool,
}

impl Staging {
    /// Prepares a staging directory for `target`, clearing leftovers of killed builds.
    pub fn begin(target: &Path) -> Result<Staging> {
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = target
            .file_name()
            .ok_or_else(|| Error::new(format!("invalid output directory {}", target.display())))?
            .to_string_lossy()
            .into_owned();
        fs::create_dir_all(parent).map_err(|e| Error::io("create", parent, e))?;
        if target.exists() && !target.is_dir() {
            return Err(Error::new(format!(
                "the output path {} exists and is not a directory",
                target.display()
            )));
        }
        remove_stale_staging(parent, &name);
        let dir = parent.join(format!(".{name}{STAGING_MARK}{}", std::process::id()));
        fs::create_dir(&dir).map_err(|e| Error::io("create", &dir, e))?;
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
            committed: false,
        })
    }

    /// Puts the new site in place of the old one.
    pub fn commit(mut self) -> Result<()> {
        swap_in(&self.dir, &self.target)?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

impl Sink for Staging {
    fn put(&self, path: &str, contents: Contents) -> Result<()> {
        let dest = self.dir.join(path);
        if let Some(parent) = dest.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::io("create", parent, e))?;
        }
        match contents {
            Contents::Bytes(bytes) => {
                fs::write(&dest, bytes).map_err(|e| Error::io("write", &dest, e))
            }
            Contents::Copy(from) => fs::copy(&from, &dest)
                .map(drop)
                .map_err(|e| Error::io("copy", &from, e)),
        }
    }
}

/// Leftovers of builds that were killed before they finished.
fn remove_stale_staging(parent: &Path, name: &str) {
    let prefix = format!(".{name}{STAGING_MARK}");
    if let Ok(entries) = fs::read_dir(parent) {
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = fs::remove_dir_all(entry.path());
            }
        }
    }
}

/// Puts the staging directory in place of `dir`. On Linux the two are exchanged in one
/// `renameat2(RENAME_EXCHANGE)`, so there is no moment without a complete site.
fn swap_in(staging: &Path, dir: &Path) -> Result<()> {
    if !dir.exists() {
        return fs::rename(staging, dir).map_err(|e| Error::io("move the new site to", dir, e));
    }
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        if renameat_with(CWD, staging, CWD, dir, RenameFlags::EXCHANGE).is_ok() {
            // `staging` now holds the previous site.
            remove_tree(staging);
            return Ok(());
        }
    }
    let old = staging.with_extension("old");
    fs::rename(dir, &old).map_err(|e| Error::io("move aside the previous site at", dir, e))?;
    if let Err(e) = fs::rename(staging, dir) {
        let _ = fs::rename(&old, dir);
        return Err(Error::io("move the new site to", dir, e));
    }
    remove_tree(&old);
    Ok(())
}

/// Removes a previous site, its top-level entries in parallel: on a large site deleting
/// thousands of page directories is a good part of a rebuild.
fn remove_tree(dir: &Path) {
    if let Ok(entries) = fs::read_dir(dir) {
        let entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        entries.par_iter().for_each(|path| {
            let _ = if path.is_dir() {
                fs::remove_dir_all(path)
            } else {
                fs::remove_file(path)
            };
        });
    }
    let _ = fs::remove_dir_all(dir);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, files: &[(&str, &str)]) -> Result<()> {
        let staging = Staging::begin(dir)?;
        for (path, text) in files {
            staging.put(path, Contents::Bytes(text.as_bytes().to_vec()))?;
        }
        staging.commit()
    }

    #[test]
    fn replaces_the_whole_directory() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("public");
        write(&dir, &[("a/index.html", "one"), ("old.txt", "x")]).unwrap();
        write(&dir, &[("a/index.html", "two")]).unwrap();
        assert_eq!(fs::read_to_string(dir.join("a/index.html")).unwrap(), "two");
        assert!(
            !dir.join("old.txt").exists(),
            "files of an earlier build must not linger"
        );
        let leftovers: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("public")]);
    }

    #[test]
    fn a_failed_write_keeps_the_previous_site() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("public");
        write(&dir, &[("index.html", "good")]).unwrap();
        {
            let staging = Staging::begin(&dir).unwrap();
            staging
                .put("new.html", Contents::Bytes(b"half".to_vec()))
                .unwrap();
            let missing = Contents::Copy(tmp.path().join("missing.css"));
            assert!(staging.put("x.css", missing).is_err());
        }
        assert_eq!(fs::read_to_string(dir.join("index.html")).unwrap(), "good");
        assert!(!dir.join("new.html").exists());
        assert_eq!(
            fs::read_dir(tmp.path()).unwrap().count(),
            1,
            "staging is removed"
        );
    }

    #[test]
    fn stale_staging_of_a_killed_build_is_cleared() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("public");
        fs::create_dir(tmp.path().join(".public.errbook-staging-1")).unwrap();
        write(&dir, &[("index.html", "x")]).unwrap();
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1);
    }
}
