//! What several modules' unit tests share.

use std::fs;
use std::path::Path;

/// The bundled site's `content/` copied to `dir/content`, replacing what was there.
pub fn bundled_content_in(dir: &Path) {
    let bundled = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let content = dir.join("content");
    let _ = fs::remove_dir_all(&content);
    for entry in walkdir::WalkDir::new(&bundled) {
        let entry = entry.unwrap();
        let to = content.join(entry.path().strip_prefix(&bundled).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&to).unwrap();
        } else {
            fs::copy(entry.path(), &to).unwrap();
        }
    }
}
