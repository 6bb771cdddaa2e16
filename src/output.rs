//! Write: the rendered site to disk, atomically. The new site is written to a fresh directory
//! beside the output and swapped in at the end, so a failed or interrupted build leaves the
//! previous output exactly as it was.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::{Error, Result};

/// Every file of a built site, by path relative to the output directory.
#[derive(Debug, Default)]
pub struct Output {
    pub files: Vec<OutputFile>,
}

#[derive(Debug)]
pub struct OutputFile {
    /// Relative path with `/` separators, e.g. `litellm/no-deployments/index.html`.
    pub path: String,
    pub contents: Contents,
}

#[derive(Debug)]
pub enum Contents {
    Bytes(Vec<u8>),
    /// A file copied as is (from `static/`).
    Copy(PathBuf),
}

impl OutputFile {
    pub fn new(path: &str, contents: Contents) -> Self {
        OutputFile {
            path: path.to_string(),
            contents,
        }
    }
}

/// Marks directories that errbook made while building, so a later build can clear them away.
const STAGING_MARK: &str = ".errbook-staging-";

/// Writes `output` to `dir`, replacing what was there only once everything is written.
pub fn write_atomically(output: &Output, dir: &Path) -> Result<()> {
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = dir
        .file_name()
        .ok_or_else(|| Error::new(format!("invalid output directory {}", dir.display())))?
        .to_string_lossy()
        .into_owned();
    fs::create_dir_all(parent).map_err(|e| Error::io("create", parent, e))?;
    if dir.exists() && !dir.is_dir() {
        return Err(Error::new(format!(
            "the output path {} exists and is not a directory",
            dir.display()
        )));
    }
    remove_stale_staging(parent, &name);

    let staging = parent.join(format!(".{name}{STAGING_MARK}{}", std::process::id()));
    if staging.exists() {
        fs::remove_dir_all(&staging).map_err(|e| Error::io("remove", &staging, e))?;
    }
    fs::create_dir(&staging).map_err(|e| Error::io("create", &staging, e))?;
    if let Err(e) = write_tree(output, &staging) {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    swap_in(&staging, dir)
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

fn write_tree(output: &Output, staging: &Path) -> Result<()> {
    let dirs: BTreeSet<&str> = output
        .files
        .iter()
        .filter_map(|f| f.path.rsplit_once('/').map(|(d, _)| d))
        .collect();
    for dir in dirs {
        let path = staging.join(dir);
        fs::create_dir_all(&path).map_err(|e| Error::io("create", &path, e))?;
    }
    output.files.par_iter().try_for_each(|file| {
        let path = staging.join(&file.path);
        match &file.contents {
            Contents::Bytes(bytes) => {
                fs::write(&path, bytes).map_err(|e| Error::io("write", &path, e))
            }
            Contents::Copy(from) => fs::copy(from, &path)
                .map(drop)
                .map_err(|e| Error::io("copy", from, e)),
        }
    })
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
            let _ = fs::remove_dir_all(staging);
            return Ok(());
        }
    }
    let old = staging.with_extension("old");
    fs::rename(dir, &old).map_err(|e| Error::io("move aside the previous site at", dir, e))?;
    if let Err(e) = fs::rename(staging, dir) {
        let _ = fs::rename(&old, dir);
        return Err(Error::io("move the new site to", dir, e));
    }
    let _ = fs::remove_dir_all(&old);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output(files: &[(&str, &str)]) -> Output {
        Output {
            files: files
                .iter()
                .map(|(p, t)| OutputFile::new(p, Contents::Bytes(t.as_bytes().to_vec())))
                .collect(),
        }
    }

    #[test]
    fn replaces_the_whole_directory() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("public");
        write_atomically(&output(&[("a/index.html", "one"), ("old.txt", "x")]), &dir).unwrap();
        write_atomically(&output(&[("a/index.html", "two")]), &dir).unwrap();
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
        write_atomically(&output(&[("index.html", "good")]), &dir).unwrap();
        let bad = Output {
            files: vec![OutputFile::new(
                "x.css",
                Contents::Copy(tmp.path().join("missing.css")),
            )],
        };
        assert!(write_atomically(&bad, &dir).is_err());
        assert_eq!(fs::read_to_string(dir.join("index.html")).unwrap(), "good");
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1);
    }
}
