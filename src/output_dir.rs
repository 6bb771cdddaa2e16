//! Where `build` may write: the output directory from `--output-dir` or `output_dir`, and the
//! guard that keeps a build from replacing a directory errbook did not write itself.
//!
//! Every build puts a marker file in its output. A build replaces its target whole (atomic
//! swap), so it only does so when the target is missing, empty, or carries the marker;
//! anything else (a web root, a home directory, a mistyped path) is refused unless `--force`.
//! Whatever `--force` says, the output can never be the site itself, a directory that holds
//! it, or one of its source directories.

use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Result};

/// The marker file errbook writes at the top of every output directory.
pub const MARKER: &str = ".errbook-output";

/// What the marker says to someone who finds it.
pub const MARKER_TEXT: &str = "This directory was written by `errbook build`, which replaces \
it whole on every build.\nerrbook only replaces a directory that holds this file (or pass \
--force).\n";

/// Directories of the site whose contents errbook reads and never writes over.
const SOURCES: &[&str] = &["content", "templates", "static", ".git", ".errbook"];

/// The directory a build writes to: `--output-dir` (relative to the current directory, as a
/// command-line path) when given, else `output_dir` of errbook.toml (relative to the site).
pub fn resolve(root: &Path, configured: &str, flag: Option<&Path>) -> PathBuf {
    match flag {
        Some(dir) => dir.to_path_buf(),
        None => root.join(configured),
    }
}

/// Refuses a target the build must not replace. `force` allows replacing a non-empty
/// directory without the marker; nothing allows replacing the site or its sources.
pub fn check(root: &Path, target: &Path, force: bool) -> Result<()> {
    let shown = target.display();
    let root = absolute(root)?;
    let target_abs = absolute(target)?;
    if root.starts_with(&target_abs) {
        return Err(Error::new(format!(
            "the output directory {shown} is the site itself or holds it: a build replaces its \
             output whole, so it would delete the site"
        )));
    }
    if let Ok(inside) = target_abs.strip_prefix(&root)
        && let Some(Component::Normal(first)) = inside.components().next()
        && SOURCES.contains(&first.to_string_lossy().as_ref())
    {
        return Err(Error::new(format!(
            "the output directory {shown} is inside the site's {} directory, which a build \
             must never replace",
            first.to_string_lossy()
        )));
    }
    let Ok(meta) = std::fs::symlink_metadata(target) else {
        return Ok(()); // does not exist yet
    };
    if !meta.is_dir() {
        return Err(Error::new(format!(
            "the output path {shown} exists and is not a directory"
        )));
    }
    if force || target.join(MARKER).is_file() {
        return Ok(());
    }
    let mut entries = std::fs::read_dir(target).map_err(|e| Error::io("read", target, e))?;
    if entries.next().is_none() {
        return Ok(());
    }
    Err(Error::new(format!(
        "refusing to replace {shown}: it is not empty and errbook did not write it (it has no \
         {MARKER} file). A build replaces its output directory whole; point it at a new or \
         empty directory, or pass --force to replace this one and everything in it"
    )))
}

/// The path made absolute and free of `.`/`..`, through the deepest part that exists (which
/// is resolved with symbolic links), so two spellings of one place compare equal.
fn absolute(path: &Path) -> Result<PathBuf> {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map_err(|e| Error::new(format!("cannot read the current directory: {e}")))?
            .join(path)
    };
    let mut existing = joined.clone();
    let mut rest: Vec<std::ffi::OsString> = Vec::new();
    loop {
        if let Ok(real) = existing.canonicalize() {
            let mut out = real;
            for part in rest.iter().rev() {
                match Path::new(part).components().next() {
                    Some(Component::ParentDir) => {
                        out.pop();
                    }
                    Some(Component::CurDir) | None => {}
                    _ => out.push(part),
                }
            }
            return Ok(out);
        }
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            // `..` or `.` at the end: step up lexically.
            (None, Some(parent)) => {
                rest.push(existing.components().next_back().map_or_else(
                    || std::ffi::OsString::from("."),
                    |c| c.as_os_str().to_os_string(),
                ));
                existing = parent.to_path_buf();
            }
            _ => return Ok(joined),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn a_foreign_directory_is_refused_unless_forced() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        let web = tmp.path().join("www");
        fs::create_dir_all(&site).unwrap();
        fs::create_dir_all(&web).unwrap();
        assert!(
            check(&site, &web, false).is_ok(),
            "an empty directory is fine"
        );
        assert!(check(&site, &tmp.path().join("new"), false).is_ok());
        fs::write(web.join("index.html"), "theirs").unwrap();
        let refused = check(&site, &web, false).unwrap_err().to_string();
        assert!(refused.contains("--force"), "{refused}");
        assert!(check(&site, &web, true).is_ok());
        fs::write(web.join(MARKER), MARKER_TEXT).unwrap();
        assert!(check(&site, &web, false).is_ok(), "errbook's own output");
        fs::write(tmp.path().join("file"), "").unwrap();
        assert!(check(&site, &tmp.path().join("file"), true).is_err());
    }

    #[test]
    fn the_site_and_its_sources_are_never_replaced() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        fs::create_dir_all(site.join("content/tool")).unwrap();
        for target in [
            site.clone(),
            tmp.path().to_path_buf(),
            site.join("."),
            site.join("content"),
            site.join("content/tool/out"),
            site.join("static"),
            site.join("x/../content"),
            site.join(".git"),
        ] {
            assert!(check(&site, &target, true).is_err(), "{}", target.display());
        }
        assert!(check(&site, &site.join("public"), true).is_ok());
    }
}
