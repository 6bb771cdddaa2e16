//! Files a config pulls in with an `include` list: where a validator reads them from, or why it
//! does not. The command line reads them next to the config, as the program that loads the
//! config would; the preview server, whose input is text pasted by anyone, and the build's
//! examples never touch the disk.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::MAX_INPUT_BYTES;

/// What reading one `include` entry gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Included {
    /// The file's text. `key` identifies the file (its resolved path), so that each file is
    /// read once; `name` locates findings in it: the path relative to the checked config's
    /// directory when it is below it, else as resolved.
    Read {
        key: String,
        name: String,
        text: String,
    },
    /// Nothing at the path the entry resolves to.
    Missing { path: String },
    /// Something is there but cannot be checked: not a regular file, too large, not UTF-8.
    Unreadable { path: String, why: String },
    /// Includes are not followed here; `why` says where they would be.
    NotFollowed { why: &'static str },
}

/// A source of included files.
pub trait Includes: Sync {
    /// The file `entry` names in the `include` list of `declared_in`: `None` for the checked
    /// config, else the `key` of an included file.
    fn read(&self, entry: &str, declared_in: Option<&str>) -> Included;
}

/// Reads no file: for text that did not come from a file the user named.
pub struct NotFollowed(pub &'static str);

impl Includes for NotFollowed {
    fn read(&self, _entry: &str, _declared_in: Option<&str>) -> Included {
        Included::NotFollowed { why: self.0 }
    }
}

/// Why the preview server does not follow includes.
pub const NOT_IN_PREVIEW: &str = "the preview server checks only the pasted text and never reads files on the server; run `errbook validate <validator> <config file>` where the included files are";

/// Why a config read from standard input has no includes followed.
pub const NOT_FROM_STDIN: &str = "the config was read from standard input, so there is no directory to resolve them against; pass the config's path instead of `-`";

/// Reads included files from disk, resolved as LiteLLM 1.102 and later resolve them: next to
/// the config that declares the entry, and, for an entry of an included file that is not found
/// there, next to the checked config (where LiteLLM before 1.102 looked for every entry).
pub struct FromDisk {
    dir: PathBuf,
}

impl FromDisk {
    /// Includes of the config at `config`.
    pub fn new(config: &Path) -> FromDisk {
        let dir = config
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        // Canonical, so that nested entries (resolved from canonical keys) are shown relative
        // to it too.
        let dir = std::fs::canonicalize(&dir).unwrap_or(dir);
        FromDisk { dir }
    }

    fn name_of(&self, path: &Path) -> String {
        let shown = path.strip_prefix(&self.dir).unwrap_or(path);
        crate::source::display_path(shown)
    }
}

impl Includes for FromDisk {
    fn read(&self, entry: &str, declared_in: Option<&str>) -> Included {
        let declaring_dir = declared_in
            .and_then(|key| Path::new(key).parent().map(Path::to_path_buf))
            .unwrap_or_else(|| self.dir.clone());
        let declared = declaring_dir.join(entry);
        let root_relative = self.dir.join(entry);
        let path = if !declared.exists() && root_relative.exists() {
            root_relative
        } else {
            declared
        };
        let shown = self.name_of(&path);
        let Ok(meta) = std::fs::metadata(&path) else {
            return Included::Missing { path: shown };
        };
        // A pipe or a device would block or never end; LiteLLM expects a file.
        if !meta.is_file() {
            return Included::Unreadable {
                path: shown,
                why: "it is not a regular file".into(),
            };
        }
        if meta.len() > MAX_INPUT_BYTES as u64 {
            return Included::Unreadable {
                path: shown,
                why: format!("it is over {MAX_INPUT_BYTES} bytes, the most errbook checks"),
            };
        }
        let mut bytes = Vec::new();
        let read = std::fs::File::open(&path)
            .and_then(|f| f.take(MAX_INPUT_BYTES as u64 + 1).read_to_end(&mut bytes));
        if let Err(e) = read {
            return Included::Unreadable {
                path: shown,
                why: format!("it could not be read: {e}"),
            };
        }
        let Ok(text) = String::from_utf8(bytes) else {
            return Included::Unreadable {
                path: shown,
                why: "it is not UTF-8 text".into(),
            };
        };
        let key = std::fs::canonicalize(&path)
            .unwrap_or(path)
            .to_string_lossy()
            .into_owned();
        Included::Read {
            key,
            name: shown,
            text,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_resolve_next_to_the_declaring_file_then_the_config() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("models/more")).unwrap();
        std::fs::write(root.join("config.yaml"), "include: [models/a.yaml]\n").unwrap();
        std::fs::write(
            root.join("models/a.yaml"),
            "include: [more/b.yaml, c.yaml]\n",
        )
        .unwrap();
        std::fs::write(root.join("models/more/b.yaml"), "model_list: []\n").unwrap();
        std::fs::write(root.join("c.yaml"), "model_list: []\n").unwrap();
        let disk = FromDisk::new(&root.join("config.yaml"));
        let Included::Read { key, name, .. } = disk.read("models/a.yaml", None) else {
            panic!("models/a.yaml not read")
        };
        assert_eq!(name, "models/a.yaml");
        let Included::Read { name, .. } = disk.read("more/b.yaml", Some(&key)) else {
            panic!("nested entry not read next to its file")
        };
        assert_eq!(name, "models/more/b.yaml");
        // Not next to models/a.yaml, but next to the config: LiteLLM before 1.102 read it there.
        let Included::Read { name, .. } = disk.read("c.yaml", Some(&key)) else {
            panic!("root-relative entry not read")
        };
        assert_eq!(name, "c.yaml");
        assert_eq!(
            disk.read("nope.yaml", None),
            Included::Missing {
                path: "nope.yaml".into()
            }
        );
        assert!(matches!(
            disk.read("models", None),
            Included::Unreadable { .. }
        ));
    }
}
