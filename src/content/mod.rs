//! Content: from the files under `content/` to typed, located pages.

pub mod frontmatter;
pub mod highlight;
pub mod load;
pub mod markdown;
pub mod page;
pub mod parsed;

pub use load::{Loaded, load_pages, load_pages_keeping, parse_page};
pub use page::{FrontMatter, Page, Signature, Source, SourceKind, Spanned};
