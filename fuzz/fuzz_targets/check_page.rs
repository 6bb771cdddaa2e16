//! Fuzz target: any bytes as a page file go through loading, parsing, every check rule and
//! the section HTML without a panic or a hang.
#![no_main]

use std::path::PathBuf;

use errbook::config::SiteConfig;
use errbook::content::parse_page;
use errbook::site::Site;
use errbook::source::SourceFile;
use libfuzzer_sys::fuzz_target;

const CONFIG: &str = "title = \"t\"\nbase_url = \"https://kb.example.org/\"\n[[categories]]\nid = \"rate-limit\"\nname = \"Rate limits\"\n";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let config = SiteConfig::parse(&SourceFile::new("errbook.toml", CONFIG)).expect("fixed config");
    let mut diagnostics = Vec::new();
    let file = SourceFile::new("content/demo/page.md", text);
    let page = parse_page(file, "demo".into(), "page".into(), &mut diagnostics);
    if let Some(page) = &page {
        // The HTML comes from a second parse of the markdown: it must find the same sections.
        let html = page.body.sections_html(&page.file, &page.front.sources);
        assert_eq!(html.len(), page.body.sections.len());
    }
    let (site, more) = Site::new(PathBuf::from("."), config, page.into_iter().collect());
    diagnostics.extend(more);
    let diagnostics = errbook::check::check(&site, jiff::civil::date(2026, 11, 24), diagnostics);
    for d in &diagnostics {
        assert!(d.line >= 1 && d.column >= 1, "{d}");
    }
});
