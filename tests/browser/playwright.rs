//! Shared by the browser tests: the locked playwright-core package that drives Debian's
//! chromium, installed on first use so `cargo test` stays the one test command.

use std::path::Path;
use std::process::Command;

/// The directory of the browser test scripts, with playwright-core installed in it.
pub fn scripts() -> &'static Path {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/browser"));
    let modules = dir.join("node_modules/playwright-core");
    // axe-core came later: an older install lacks it.
    if !modules.exists() || !dir.join("node_modules/axe-core").exists() {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(dir)
            .status()
            .expect("npm is needed for the browser tests (Node.js with npm)");
        assert!(status.success(), "`npm ci` in tests/browser failed");
    }
    assert!(
        modules.exists(),
        "playwright-core is not installed: run `npm ci` in tests/browser"
    );
    assert!(
        Path::new("/usr/bin/chromium").exists(),
        "the browser tests drive /usr/bin/chromium: install Debian's chromium (`.ci/run` does)"
    );
    dir
}
