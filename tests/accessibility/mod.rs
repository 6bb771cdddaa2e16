//! Accessibility: axe-core's WCAG 2.1 A and AA rules in headless Chromium on the bundled
//! knowledge base: the home page, an error page (code blocks, validator widget) in light and
//! dark mode and on a phone, listings, the search page with results, and the 404 page. Any
//! violation fails the test.

use std::process::Command;

use super::{browser, bundled_site, errbook, stderr};

#[test]
fn pages_have_no_wcag_2_1_aa_violations_in_either_colour_scheme() {
    let scripts = browser::scripts();
    let site = bundled_site();
    let out = errbook(site.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));

    let query = "search/?q=No%20fallback%20model%20group%20found%20for%20original%20model_group";
    let mut pages = Vec::new();
    for scheme in ["light", "dark"] {
        for (name, path) in [
            ("home", ""),
            ("error page", "litellm/fallbacks-not-a-list/"),
            ("tool listing", "litellm/"),
            ("category listing", "category/fallbacks/"),
            ("search page", query),
            ("not found", "404.html"),
        ] {
            let mut page = serde_json::json!({"name": name, "path": path, "scheme": scheme});
            if name == "search page" {
                page["waitFor"] = "#search-results li a".into();
            }
            pages.push(page);
        }
        // A narrow screen makes wide code blocks scroll: they must be reachable by keyboard.
        pages.push(serde_json::json!({
            "name": "error page on a phone",
            "path": "litellm/rate-limit-error-not-falling-back/",
            "scheme": scheme,
            "width": 390,
        }));
    }
    let file = site.path().join("a11y-pages.json");
    std::fs::write(&file, serde_json::Value::Array(pages).to_string()).unwrap();
    let out = Command::new("node")
        .arg(scripts.join("a11y.js"))
        .arg(site.path().join("public"))
        .arg(&file)
        .output()
        .expect("node runs");
    let report = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
    assert!(out.status.success(), "{report}");
    assert_eq!(report.matches(": 0 violations,").count(), 14, "{report}");
}
