//! What serve mode adds to every HTML page at response time: the live-reload script and, while
//! the tree has errors, the error overlay. The rendered files themselves stay as `build`
//! writes them.

use std::fmt::Write;

use bytes::Bytes;

use crate::diagnostic::Diagnostic;

/// URL prefix of the server's own files and events; no site path starts with `__`.
pub const PREFIX: &str = "/__errbook/";

/// The overlay lists at most this many errors; a page of thousands helps no one.
const SHOWN: usize = 50;

/// The overlay for these errors. Every value from the tree is escaped.
pub fn markup(errors: &[Diagnostic], warnings: usize) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<link rel=\"stylesheet\" href=\"{PREFIX}overlay.css\">\
         <div id=\"errbook-overlay\" role=\"alert\" aria-live=\"assertive\">\
         <p class=\"errbook-overlay-title\">{} error{} in the site; showing the last good build</p><ol>",
        errors.len(),
        if errors.len() == 1 { "" } else { "s" }
    );
    for d in errors.iter().take(SHOWN) {
        let _ = write!(
            out,
            "<li><code class=\"errbook-at\">{}:{}:{}</code> <span class=\"errbook-rule\">{}</span> {}",
            escape(&d.file),
            d.line,
            d.column,
            escape(d.rule),
            escape(&d.message)
        );
        if let Some(help) = &d.help {
            let _ = write!(
                out,
                "<br><span class=\"errbook-help\">{}</span>",
                escape(help)
            );
        }
        out.push_str("</li>");
    }
    out.push_str("</ol>");
    if errors.len() > SHOWN {
        let _ = write!(
            out,
            "<p>…and {} more: run <code>errbook check</code></p>",
            errors.len() - SHOWN
        );
    }
    if warnings > 0 {
        let _ = write!(
            out,
            "<p>{warnings} warning{} too.</p>",
            if warnings == 1 { "" } else { "s" }
        );
    }
    out.push_str("</div>");
    out
}

/// The page with the reload script (and the overlay, if any) before its last `</body>`, or at
/// its end when it has none.
pub fn inject(html: &[u8], overlay: Option<&str>) -> Bytes {
    let script = format!("<script src=\"{PREFIX}live.js\" defer></script>");
    let extra = overlay.unwrap_or("").len() + script.len();
    let at = find_last(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + extra);
    out.extend_from_slice(&html[..at]);
    if let Some(overlay) = overlay {
        out.extend_from_slice(overlay.as_bytes());
    }
    out.extend_from_slice(script.as_bytes());
    out.extend_from_slice(&html[at..]);
    Bytes::from(out)
}

fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .rposition(|w| w.eq_ignore_ascii_case(needle))
}

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diag(message: &str) -> Diagnostic {
        Diagnostic::file_error("yaml-syntax", "content/a/<b>.md", 3, 7, message)
    }

    #[test]
    fn overlay_escapes_every_value() {
        let html = markup(&[diag("<script>alert('x')</script> & \"q\"")], 2);
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("content/a/&lt;b&gt;.md:3:7"));
        assert!(
            html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;")
        );
        assert!(html.contains("2 warnings too"));
    }

    #[test]
    fn injects_before_the_last_body_end() {
        let page = b"<html><body><p>a</p><pre></body></pre></BODY></html>";
        let out = inject(page, Some("<div>o</div>"));
        let text = std::str::from_utf8(&out).unwrap();
        assert!(
            text.ends_with(
                "<div>o</div><script src=\"/__errbook/live.js\" defer></script></BODY></html>"
            ),
            "{text}"
        );
        let bare = inject(b"<p>x", None);
        assert!(bare.starts_with(b"<p>x<script"));
    }
}
