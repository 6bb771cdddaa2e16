//! The tantivy index of a site: its schema, what text of a page is indexed, and building it in
//! memory or in a directory.

use std::path::Path;

use serde::{Deserialize, Serialize};
use tantivy::schema::{FAST, IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
use tantivy::{Index, IndexWriter, TantivyDocument};

use super::analyzer::{ANALYZER_NAME, ErrorTextTokenizer};
use crate::content::Page;
use crate::content::markdown::inline_text;
use crate::site::Site;

/// Field weights, applied by repeating a field's text in the one searched field: BM25F, where
/// a page's weighted term counts are saturated together and its length is normalised once.
/// One searched field keeps the browser's index to one posting list per term.
pub const TITLE_WEIGHT: usize = 6;
pub const SIGNATURE_WEIGHT: usize = 3;
pub const SUMMARY_WEIGHT: usize = 3;
/// A regex signature's `example:` messages: real error text, as readers paste it.
pub const EXAMPLE_WEIGHT: usize = 2;

/// Indexing memory for tantivy's writer, shared by its threads.
const WRITER_MEMORY: usize = 200_000_000;

/// The index's fields.
#[derive(Clone, Copy)]
pub struct Fields {
    /// The page's position in the site (sorted by tool, then slug).
    pub page: tantivy::schema::Field,
    /// Title, signatures, summary, causes, fixes, body, tool and category, weighted.
    pub text: tantivy::schema::Field,
}

pub fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let page = builder.add_u64_field("page", FAST);
    let indexing = TextFieldIndexing::default()
        .set_tokenizer(ANALYZER_NAME)
        .set_index_option(IndexRecordOption::WithFreqs);
    let text = builder.add_text_field(
        "text",
        TextOptions::default().set_indexing_options(indexing),
    );
    (builder.build(), Fields { page, text })
}

/// What a search result shows of a page; kept beside the index so a search needs no site.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PageMeta {
    pub slug: String,
    pub title: String,
    /// Below the site root, e.g. `litellm/no-deployments-available-cooldown/`.
    pub path: String,
    pub tool: String,
    pub category: String,
    pub category_name: String,
    /// Plain text.
    pub summary: String,
}

impl PageMeta {
    pub fn of(site: &Site, page: &Page) -> Self {
        let category = &page.front.category.value;
        PageMeta {
            slug: page.slug.clone(),
            title: page.front.title.value.clone(),
            path: page.path(),
            tool: page.tool.clone(),
            category: category.clone(),
            category_name: site
                .config
                .category(category)
                .map_or_else(|| category.clone(), |c| c.name.clone()),
            summary: inline_text(&page.front.summary.value),
        }
    }
}

/// The text of a page that search sees, fields repeated by weight.
pub fn page_text(page: &Page) -> String {
    let mut text = String::new();
    page_text_parts(page, |part, times| {
        for _ in 0..times {
            text.push_str(part);
            text.push('\n');
        }
    });
    text
}

/// The parts of [`page_text`] in order, each with the number of times it is repeated there
/// (its weight). A part never shares a token with its neighbours (a line break separates
/// them), so counting a part's tokens once and multiplying gives [`page_text`]'s counts.
pub fn page_text_parts(page: &Page, mut add: impl FnMut(&str, usize)) {
    let front = &page.front;
    add(&front.title.value, TITLE_WEIGHT);
    for signature in &front.signatures {
        add(signature.value.text(), SIGNATURE_WEIGHT);
        for example in signature.value.examples() {
            add(&example.value, EXAMPLE_WEIGHT);
        }
    }
    add(&front.summary.value, SUMMARY_WEIGHT);
    add(&front.quick_fix.value, 1);
    for section in &page.body.sections {
        add(&section.title, 1);
        for item in section.items() {
            if let Some(title) = &item.title {
                add(title, 1);
            }
        }
        for block in section.blocks() {
            add(block.value, 1);
        }
    }
    for block in &page.body.code_blocks {
        add(&block.code, 1);
    }
    add(&page.tool, 1);
    add(&front.category.value, 1);
}

/// Builds the index of every page of the site, in `dir` or in memory.
pub fn build(site: &Site, dir: Option<&Path>) -> tantivy::Result<(Index, Fields)> {
    let (schema, fields) = schema();
    let index = match dir {
        Some(dir) => Index::create_in_dir(dir, schema)?,
        None => Index::create_in_ram(schema),
    };
    register(&index);
    // Several indexing threads make several segments; the `page` fast field maps documents
    // back to pages, and BM25 statistics are summed over segments both here and in the export.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    let mut writer: IndexWriter = index.writer_with_num_threads(threads, WRITER_MEMORY)?;
    for (i, page) in site.pages.iter().enumerate() {
        let mut doc = TantivyDocument::default();
        doc.add_u64(fields.page, i as u64);
        doc.add_text(fields.text, page_text(page));
        writer.add_document(doc)?;
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    Ok((index, fields))
}

/// Makes the error-text analyzer known to an index (needed after opening one, too).
pub fn register(index: &Index) {
    index
        .tokenizers()
        .register(ANALYZER_NAME, ErrorTextTokenizer::default());
}
