//! schema.org structured data for error pages: a TechArticle, plus an FAQPage when the page
//! has questions.

use serde_json::{Value, json};

use crate::render::view::faq_items;
use crate::site::Site;

/// The JSON-LD for one page, safe to place inside a `<script>` element.
pub fn for_page(site: &Site, index: usize) -> String {
    let page = &site.pages[index];
    let front = &page.front;
    let url = format!("{}{}", site.config.base_url, page.path());
    let article = json!({
        "@type": "TechArticle",
        "@id": format!("{url}#article"),
        "headline": front.title.value,
        "description": crate::content::markdown::inline_text(&front.summary.value),
        "url": url,
        "dateModified": front.updated.value.to_string(),
        "inLanguage": site.config.language,
        "about": page.tool,
        "articleSection": front.category.value,
        "isPartOf": {"@type": "WebSite", "name": site.config.title, "url": site.config.base_url},
        "citation": front.sources.iter().filter_map(|s| {
            let url = match s.capture_path() {
                Some(path) => format!("{}{path}", site.config.base_url),
                None => s.url.as_ref()?.value.clone(),
            };
            Some(json!({"@type": "CreativeWork", "name": s.title.value, "url": url}))
        }).collect::<Vec<_>>(),
    });
    let faq = faq_items(page);
    let graph: Vec<Value> = if faq.is_empty() {
        vec![article]
    } else {
        let questions: Vec<Value> = faq
            .iter()
            .map(|(q, a)| json!({"@type": "Question", "name": q, "acceptedAnswer": {"@type": "Answer", "text": a}}))
            .collect();
        vec![
            article,
            json!({"@type": "FAQPage", "@id": format!("{url}#faq"), "mainEntity": questions}),
        ]
    };
    let doc = json!({"@context": "https://schema.org", "@graph": graph});
    // `</script>` or `<!--` inside a string would end the element early.
    let json = doc.to_string();
    let mut out = String::with_capacity(json.len() + 32);
    let mut copied = 0;
    for (at, c) in json.match_indices(['<', '>', '&']) {
        out.push_str(&json[copied..at]);
        out.push_str(match c {
            "<" => "\\u003c",
            ">" => "\\u003e",
            _ => "\\u0026",
        });
        copied = at + 1;
    }
    out.push_str(&json[copied..]);
    out
}
