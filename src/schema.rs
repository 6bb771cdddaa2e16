//! `errbook schema`: JSON Schema (2020-12) of the page front matter and of `errbook.toml`,
//! generated from the field tables the loaders read ([`crate::fields`]).
//!
//! Only keywords that mean the same in draft 7 are used (no `$defs`, `$ref`, `prefixItems` or
//! `unevaluated*`), so tools that read older drafts, such as Taplo's TOML language server,
//! validate with it as well.

use serde_json::{Map, Value, json};

use crate::fields::{self, Field, Kind};

const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// The two documents errbook describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Document {
    /// The YAML front matter of a page.
    Page,
    /// `errbook.toml`.
    Config,
}

/// The schema of a document, as a JSON value.
pub fn schema(document: Document) -> Value {
    let (title, description, table, yaml) = match document {
        Document::Page => (
            "errbook page front matter",
            "The YAML between the --- lines at the top of content/<tool>/<slug>.md.",
            fields::PAGE,
            true,
        ),
        Document::Config => (
            "errbook.toml",
            "The configuration of an errbook site.",
            fields::CONFIG,
            false,
        ),
    };
    let mut out = Map::new();
    out.insert("$schema".into(), json!(DIALECT));
    out.insert("title".into(), json!(title));
    out.insert("description".into(), json!(description));
    if let Value::Object(body) = table_schema(table, yaml) {
        out.extend(body);
    }
    Value::Object(out)
}

/// The schema as the pretty-printed JSON `errbook schema` prints and `init` writes.
pub fn to_json(document: Document) -> String {
    let mut text = serde_json::to_string_pretty(&schema(document)).expect("a JSON value");
    text.push('\n');
    text
}

/// A mapping with exactly these keys. In YAML an optional key may be given with no value.
fn table_schema(table: &[Field], yaml: bool) -> Value {
    let mut properties = Map::new();
    for field in table {
        let mut schema = kind_schema(&field.kind, yaml);
        if yaml && !field.required {
            schema = json!({"anyOf": [schema, {"type": "null"}]});
        }
        if let Value::Object(map) = &mut schema {
            map.insert("description".into(), json!(field.description));
        }
        properties.insert(field.name.into(), schema);
    }
    let required: Vec<&str> = table
        .iter()
        .filter(|f| f.required)
        .map(|f| f.name)
        .collect();
    json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

fn kind_schema(kind: &Kind, yaml: bool) -> Value {
    match kind {
        // `\S`: not blank. The pattern applies to strings only; a number is read as its text.
        Kind::Text => json!({"type": ["string", "number"], "pattern": "\\S"}),
        Kind::String => json!({"type": "string"}),
        Kind::Slug => json!({"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"}),
        Kind::Date => json!({
            "type": "string",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            "format": "date",
        }),
        Kind::Bool => json!({"type": "boolean"}),
        Kind::HttpUrl => json!({"type": "string", "pattern": "^https?://"}),
        Kind::ServiceUrl => json!({"type": "string", "pattern": "^https?://[^/?#]+[^?]*$"}),
        Kind::NonBlank => json!({"type": "string", "pattern": "\\S"}),
        Kind::HostPattern => json!({"type": "string", "pattern": "^(\\*\\.)?[A-Za-z0-9._-]+$"}),
        Kind::Integer { min, max } if *max == i64::MAX => {
            json!({"type": "integer", "minimum": min})
        }
        Kind::Integer { min, max } => json!({"type": "integer", "minimum": min, "maximum": max}),
        Kind::Number { min, max } => json!({"type": "number", "minimum": min, "maximum": max}),
        Kind::Fraction => json!({"type": "number", "exclusiveMinimum": 0, "maximum": 1}),
        Kind::Choice(words) => json!({"enum": words()}),
        Kind::List { item, min } => {
            let mut list = json!({"type": "array", "items": kind_schema(item, yaml)});
            if *min > 0 {
                list["minItems"] = json!(min);
            }
            list
        }
        Kind::Table(table) => table_schema(table, yaml),
        Kind::Either(kinds) => {
            json!({"anyOf": kinds.iter().map(|k| kind_schema(k, yaml)).collect::<Vec<_>>()})
        }
        Kind::Map { keys, value } => {
            let properties: Map<String, Value> = keys()
                .into_iter()
                .map(|(key, description)| {
                    let mut schema = kind_schema(value, yaml);
                    schema["description"] = json!(description);
                    (key.to_string(), schema)
                })
                .collect();
            json!({"type": "object", "properties": properties, "additionalProperties": false})
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_field_is_a_property_with_its_requiredness() {
        let page = schema(Document::Page);
        assert_eq!(page["$schema"], DIALECT);
        for field in fields::PAGE {
            assert!(page["properties"][field.name].is_object(), "{}", field.name);
            let required = page["required"]
                .as_array()
                .unwrap()
                .contains(&json!(field.name));
            assert_eq!(required, field.required, "{}", field.name);
        }
        let config = schema(Document::Config);
        let lints = &config["properties"]["lints"]["properties"];
        assert!(
            lints["stale-page"]["enum"]
                .as_array()
                .unwrap()
                .contains(&json!("allow"))
        );
        assert!(
            lints["yaml-syntax"].is_null(),
            "fixed rules cannot be configured"
        );
    }
}
