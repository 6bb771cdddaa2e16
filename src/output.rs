//! Write: the rendered site to disk, atomically. The new site is written to a directory beside
//! the output and swapped in at the end, so a failed or interrupted build leaves the previous
//! output exactly as it was.
//!
//! An incremental build ([`Staging::incremental`]) keeps the site before last in a spare
//! directory beside the output and brings it up to date instead of writing a whole new tree:
//! a file whose key it already holds stays, one the current output holds is hard-linked from
//! there, and only the rest is written; then the spare and the output are exchanged. Both
//! trees' [`manifest`]s are kept in the cache.

pub mod manifest;

use std::collections::HashSet;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::render::Key;
use manifest::{Entry, Identity, Manifest};

/// Where rendered files go: a staging directory for `build`; an in-memory snapshot for `serve`.
pub trait Sink: Sync {
    /// Stores one file at a relative path with `/` separators, e.g. `litellm/x/index.html`.
    fn put(&self, path: &str, contents: Contents) -> Result<()>;

    /// [`Sink::put`] for a file made from inputs whose hash is `key`.
    fn put_keyed(&self, path: &str, key: Key, contents: Contents) -> Result<()> {
        let _ = key;
        self.put(path, contents)
    }

    /// Whether the sink already has the file made from inputs whose hash is `key` (taken from
    /// a previous build), so that it need not be made again. The file counts as stored.
    fn reuse(&self, path: &str, key: Key) -> Result<bool> {
        let _ = (path, key);
        Ok(false)
    }
}

#[derive(Debug)]
pub enum Contents {
    Bytes(Vec<u8>),
    /// A file copied as is (from `static/`).
    Copy(PathBuf),
}

/// Marks directories that errbook made while building, so a later build can clear them away.
const STAGING_MARK: &str = ".errbook-staging-";
/// Names the spare tree of incremental builds, beside the output.
const SPARE_MARK: &str = ".errbook-spare";

/// The directory beside the output that receives the new site. [`Staging::commit`] swaps it
/// in. Dropped uncommitted, a fresh staging directory is removed; a spare one stays for the
/// next build, which checks every file it takes from it.
pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
    committed: bool,
    incremental: Option<Incremental>,
    /// Files written by this build (not taken from a previous one).
    made: std::sync::atomic::AtomicUsize,
}

/// What an incremental build knows of the trees it can take files from.
struct Incremental {
    /// The cache directory holding both trees' manifests.
    cache: PathBuf,
    /// The spare tree's files (now `dir`), from its last build.
    spare: Manifest,
    /// The current output's files (`target`), as read from its manifest file (empty for a
    /// clean build, which reads nothing).
    live: Manifest,
    /// Whether `live` was read from the manifest file.
    live_read: bool,
    /// The current output's file for each key.
    live_by_key: std::collections::HashMap<Key, String>,
    /// Whether `dir` was created empty by this build (nothing to replace or prune in it).
    fresh: bool,
    /// What this build put in `dir`.
    written: Mutex<Vec<(String, Entry)>>,
    /// Held for the whole build: two builds of one site would share the spare tree.
    _lock: fs::File,
}

impl Staging {
    /// Prepares a fresh staging directory for `target`, clearing leftovers of killed builds.
    pub fn begin(target: &Path) -> Result<Staging> {
        let (parent, name) = prepare_target(target)?;
        let dir = parent.join(format!(".{name}{STAGING_MARK}{}", std::process::id()));
        fs::create_dir(&dir).map_err(|e| Error::io("create", &dir, e))?;
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
            committed: false,
            incremental: None,
            made: Default::default(),
        })
    }

    /// Prepares the spare tree of `target` for an incremental build; `cache` keeps the
    /// manifests (and a lock, so that a second build of the same site waits). Without
    /// `reuse`, no file is taken from either tree, but the manifests are still written.
    pub fn incremental(target: &Path, cache: &Path, reuse: bool) -> Result<Staging> {
        let (parent, name) = prepare_target(target)?;
        fs::create_dir_all(cache).map_err(|e| Error::io("create", cache, e))?;
        let lock_path = cache.join("lock");
        let lock = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| Error::io("open", &lock_path, e))?;
        lock.lock().map_err(|e| Error::io("lock", &lock_path, e))?;
        let target = absolute(target);
        let dir = parent.join(format!(".{name}{SPARE_MARK}"));
        let fresh = match fs::symlink_metadata(&dir) {
            Ok(meta) if meta.is_dir() => false,
            Ok(_) => {
                fs::remove_file(&dir).map_err(|e| Error::io("remove", &dir, e))?;
                true
            }
            Err(_) => true,
        };
        if fresh {
            fs::create_dir(&dir).map_err(|e| Error::io("create", &dir, e))?;
        }
        let live = if reuse {
            Manifest::read(&cache.join("live"), &target)
        } else {
            Manifest::default()
        };
        let spare = if fresh || !reuse {
            Manifest::default()
        } else {
            Manifest::read(&cache.join("spare"), &target)
        };
        let live_by_key = live
            .by_key()
            .into_iter()
            .map(|(key, path)| (key, path.to_string()))
            .collect();
        Ok(Staging {
            dir,
            target,
            committed: false,
            incremental: Some(Incremental {
                cache: cache.to_path_buf(),
                spare,
                live,
                live_read: reuse,
                live_by_key,
                fresh,
                written: Mutex::new(Vec::new()),
                _lock: lock,
            }),
            made: Default::default(),
        })
    }

    /// Puts the new site in place of the old one. An incremental build first removes what
    /// the spare tree holds beyond the new site, and keeps the old site as the next spare.
    pub fn commit(mut self) -> Result<()> {
        let Some(inc) = self.incremental.take() else {
            swap_in(&self.dir, &self.target, true)?;
            self.committed = true;
            return Ok(());
        };
        let written = inc.written.into_inner().unwrap_or_else(|e| e.into_inner());
        let files: HashSet<&str> = written.iter().map(|(p, _)| p.as_str()).collect();
        if !inc.fresh {
            let mut dirs: HashSet<&str> = HashSet::new();
            for path in &files {
                let mut rest = *path;
                while let Some(i) = rest.rfind('/') {
                    rest = &rest[..i];
                    if !dirs.insert(rest) {
                        break;
                    }
                }
            }
            prune(&self.dir, "", &files, &dirs)?;
        }
        let previous_exists = self.target.exists();
        swap_in(&self.dir, &self.target, false)?;
        self.committed = true;
        let new_live = Manifest {
            files: written.into_iter().collect(),
        };
        // The previous output is now the spare tree (its files are checked before any use).
        // Its manifest file, when this build read it, is moved rather than written again.
        if previous_exists {
            let (live, spare) = (inc.cache.join("live"), inc.cache.join("spare"));
            if !(inc.live_read && fs::rename(&live, &spare).is_ok()) {
                inc.live.write(&spare, &self.target)?;
            }
        } else {
            let _ = fs::remove_file(inc.cache.join("spare"));
        }
        new_live.write(&inc.cache.join("live"), &self.target)
    }

    /// How many files this build wrote rather than took from a previous build.
    pub fn made(&self) -> usize {
        self.made.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn record(&self, path: &str, key: Key, identity: Identity) {
        if let Some(inc) = &self.incremental {
            inc.written
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push((path.to_string(), Entry { key, identity }));
        }
    }

    /// Makes room for a new file at `dest`: in a reused tree, whatever is there goes first,
    /// since it may be a hard link shared with the current output.
    fn clear(&self, dest: &Path) -> Result<()> {
        if self.incremental.as_ref().is_none_or(|inc| inc.fresh) {
            return Ok(());
        }
        match fs::remove_file(dest) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(_) if dest.is_dir() => {
                fs::remove_dir_all(dest).map_err(|e| Error::io("remove", dest, e))
            }
            Err(e) => Err(Error::io("remove", dest, e)),
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed && self.incremental.is_none() {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

impl Sink for Staging {
    fn put(&self, path: &str, contents: Contents) -> Result<()> {
        // Every file is recorded: one without a key would be pruned as a leftover.
        let key = match &contents {
            Contents::Bytes(bytes) => crate::render::key::of_bytes(bytes),
            Contents::Copy(from) => {
                crate::render::key::of_file(from).map_err(|e| Error::io("read", from, e))?
            }
        };
        self.put_keyed(path, key, contents)
    }

    fn put_keyed(&self, path: &str, key: Key, contents: Contents) -> Result<()> {
        let dest = self.dir.join(path);
        self.clear(&dest)?;
        let identity = match contents {
            Contents::Bytes(bytes) => write_new(&dest, &bytes)?,
            Contents::Copy(from) => {
                with_parent(&dest, || fs::copy(&from, &dest).map(drop))
                    .map_err(|e| Error::io("copy", &from, e))?;
                Identity::at(&dest).ok_or_else(|| Error::new("a copied file vanished"))?
            }
        };
        self.record(path, key, identity);
        self.made.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(())
    }

    fn reuse(&self, path: &str, key: Key) -> Result<bool> {
        let Some(inc) = &self.incremental else {
            return Ok(false);
        };
        let dest = self.dir.join(path);
        // The spare tree's own file, unchanged since errbook wrote it there.
        if let Some(entry) = inc.spare.files.get(path)
            && entry.key == key
            && Identity::at(&dest) == Some(entry.identity)
        {
            self.record(path, key, entry.identity);
            return Ok(true);
        }
        // The current output's file with that key: at the same path, or at another one (the
        // search index's files move to a new directory when any of them changes).
        let from = match inc.live.files.get(path) {
            Some(entry) if entry.key == key => Some((path, entry)),
            _ => inc
                .live_by_key
                .get(&key)
                .and_then(|p| inc.live.files.get(p).map(|e| (p.as_str(), e))),
        };
        let Some((from, entry)) = from else {
            return Ok(false);
        };
        let source = self.target.join(from);
        if Identity::at(&source) != Some(entry.identity) {
            return Ok(false);
        }
        self.clear(&dest)?;
        let linked = with_parent(&dest, || fs::hard_link(&source, &dest));
        if linked.is_err() {
            // A file system without hard links: copy.
            with_parent(&dest, || fs::copy(&source, &dest).map(drop))
                .map_err(|e| Error::io("copy", &source, e))?;
        }
        let identity =
            Identity::at(&dest).ok_or_else(|| Error::new("a reused output file vanished"))?;
        self.record(path, key, identity);
        Ok(true)
    }
}

/// Creates `dest` (and its directory when missing) with `bytes`: one open, one write.
fn write_new(dest: &Path, bytes: &[u8]) -> Result<Identity> {
    let mut file = with_parent(dest, || fs::File::create_new(dest))
        .map_err(|e| Error::io("write", dest, e))?;
    file.write_all(bytes)
        .map_err(|e| Error::io("write", dest, e))?;
    let meta = file.metadata().map_err(|e| Error::io("write", dest, e))?;
    Ok(Identity::of(&meta))
}

/// Runs `op`, creating `dest`'s directory and trying again when it is missing: most files
/// go to directories that exist, so the common case costs no extra call.
fn with_parent<T>(dest: &Path, mut op: impl FnMut() -> io::Result<T>) -> io::Result<T> {
    match op() {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if let Some(parent) = dest.parent() {
                fs::create_dir_all(parent)?;
            }
            op()
        }
        other => other,
    }
}

/// Removes from the tree at `dir` every file not in `files` and every directory not in
/// `dirs` (paths relative to the tree's root), top-level entries in parallel.
fn prune(root: &Path, prefix: &str, files: &HashSet<&str>, dirs: &HashSet<&str>) -> Result<()> {
    let dir = if prefix.is_empty() {
        root.to_path_buf()
    } else {
        root.join(prefix)
    };
    let entries: Vec<fs::DirEntry> = fs::read_dir(&dir)
        .map_err(|e| Error::io("read", &dir, e))?
        .collect::<io::Result<_>>()
        .map_err(|e| Error::io("read", &dir, e))?;
    let one = |entry: &fs::DirEntry| -> Result<()> {
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            return remove_any(&entry.path());
        };
        let relative = if prefix.is_empty() {
            name.to_string()
        } else {
            format!("{prefix}/{name}")
        };
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if is_dir && dirs.contains(relative.as_str()) {
            prune(root, &relative, files, dirs)
        } else if !is_dir && files.contains(relative.as_str()) {
            Ok(())
        } else {
            remove_any(&entry.path())
        }
    };
    if prefix.is_empty() {
        entries.par_iter().try_for_each(one)
    } else {
        entries.iter().try_for_each(one)
    }
}

fn remove_any(path: &Path) -> Result<()> {
    let removed = if fs::symlink_metadata(path).is_ok_and(|m| m.is_dir()) {
        fs::remove_dir_all(path)
    } else {
        fs::remove_file(path)
    };
    removed.map_err(|e| Error::io("remove", path, e))
}

/// Checks the output path and clears leftovers of killed builds; returns its parent and name.
fn prepare_target(target: &Path) -> Result<(PathBuf, String)> {
    let parent = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let name = target
        .file_name()
        .ok_or_else(|| Error::new(format!("invalid output directory {}", target.display())))?
        .to_string_lossy()
        .into_owned();
    fs::create_dir_all(&parent).map_err(|e| Error::io("create", &parent, e))?;
    if target.exists() && !target.is_dir() {
        return Err(Error::new(format!(
            "the output path {} exists and is not a directory",
            target.display()
        )));
    }
    remove_stale_staging(&parent, &name);
    Ok((parent, name))
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
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
/// `renameat2(RENAME_EXCHANGE)`, so there is no moment without a complete site. The previous
/// site, now at `staging`, is removed when `remove_old`.
fn swap_in(staging: &Path, dir: &Path, remove_old: bool) -> Result<()> {
    if !dir.exists() {
        return fs::rename(staging, dir).map_err(|e| Error::io("move the new site to", dir, e));
    }
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        if renameat_with(CWD, staging, CWD, dir, RenameFlags::EXCHANGE).is_ok() {
            // `staging` now holds the previous site.
            if remove_old {
                remove_tree(staging);
            }
            return Ok(());
        }
    }
    let old = staging.with_extension("old");
    fs::rename(dir, &old).map_err(|e| Error::io("move aside the previous site at", dir, e))?;
    if let Err(e) = fs::rename(staging, dir) {
        let _ = fs::rename(&old, dir);
        return Err(Error::io("move the new site to", dir, e));
    }
    if remove_old {
        remove_tree(&old);
    } else {
        // Without an exchange, the previous site still becomes the spare tree.
        fs::rename(&old, staging)
            .map_err(|e| Error::io("keep the previous site at", staging, e))?;
    }
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
