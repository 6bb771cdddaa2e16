//! Content: from the files under `content/` to typed, located pages.

pub mod frontmatter;
pub mod highlight;
pub mod load;
pub mod markdown;
pub mod page;

pub use load::{Loaded, load_pages, parse_page};
pub use page::{FrontMatter, Page, Signature, Source, SourceKind, Spanned};
