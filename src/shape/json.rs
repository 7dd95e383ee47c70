//! The schema as the shape walk reads it: a JSON value laid out as static data.
//!
//! A release build gets it from `build.rs`, which writes the committed schema as a Rust
//! constant (no parsing when cigen starts); a debug build converts the schema it generates
//! from the spec types (`schema::schema`), so a change to a type is seen at once.

use serde_json::Value;

/// A JSON value borrowed from static data. Numbers in the schema are whole (`minimum`,
/// `maximum`, `const: 1`), so `Float` only keeps any other number exact enough to compare.
#[derive(Debug, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(&'static str),
    Array(&'static [Json]),
    /// A mapping in its written order.
    Object(&'static [(&'static str, Json)]),
    /// A mapping sorted by key (`definitions`), looked up by binary search.
    Sorted(&'static [(&'static str, Json)]),
}

/// `true` as a schema: anything goes (an array without `items`, extra keys of any shape).
pub static ANY: Json = Json::Bool(true);

impl Json {
    /// The value under `key` of a mapping.
    pub fn get(&self, key: &str) -> Option<&'static Json> {
        match *self {
            Json::Object(entries) => entries.iter().find(|(k, _)| *k == key).map(|(_, v)| v),
            Json::Sorted(entries) => entries
                .binary_search_by(|(k, _)| (*k).cmp(key))
                .ok()
                .map(|i| &entries[i].1),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&'static str> {
        match *self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&'static [Json]> {
        match *self {
            Json::Array(items) => Some(items),
            _ => None,
        }
    }

    /// A mapping's entries (a sorted one's in key order).
    pub fn as_object(&self) -> Option<&'static [(&'static str, Json)]> {
        match *self {
            Json::Object(entries) | Json::Sorted(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn is_object(&self) -> bool {
        self.as_object().is_some()
    }

    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            Json::Int(i) => Some(i as f64),
            Json::Float(f) => Some(f),
            _ => None,
        }
    }

    /// The same value as `serde_json` builds it (an `enum` or `const` value typed into the
    /// spec's JSON form).
    pub fn to_value(&self) -> Value {
        match *self {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(b),
            Json::Int(i) => Value::from(i),
            Json::Float(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
            Json::Str(s) => Value::String(s.to_string()),
            Json::Array(items) => Value::Array(items.iter().map(Json::to_value).collect()),
            Json::Object(entries) | Json::Sorted(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_value()))
                    .collect(),
            ),
        }
    }

    /// Lays `value` out as static data, as `build.rs` does: the memory is never freed, which
    /// suits the one schema a process keeps. Used by debug builds, which generate the schema.
    #[cfg_attr(not(debug_assertions), allow(dead_code))]
    pub fn leak(value: &Value) -> Json {
        Json::leak_in(value, false)
    }

    fn leak_in(value: &Value, sorted: bool) -> Json {
        match value {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Number(n) => match n.as_i64() {
                Some(i) => Json::Int(i),
                None => Json::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            Value::String(s) => Json::Str(s.clone().leak()),
            Value::Array(items) => Json::Array(
                items
                    .iter()
                    .map(|v| Json::leak_in(v, false))
                    .collect::<Vec<_>>()
                    .leak(),
            ),
            Value::Object(map) => {
                let mut entries: Vec<(&'static str, Json)> = map
                    .iter()
                    .map(|(k, v)| {
                        let leaked: &'static str = k.clone().leak();
                        (leaked, Json::leak_in(v, k == "definitions"))
                    })
                    .collect();
                if sorted {
                    entries.sort_by(|a, b| a.0.cmp(b.0));
                    Json::Sorted(entries.leak())
                } else {
                    Json::Object(entries.leak())
                }
            }
        }
    }
}

/// The committed schema as `build.rs` laid it out.
#[cfg_attr(debug_assertions, allow(dead_code))]
pub(super) mod committed {
    use super::Json;
    include!(concat!(env!("OUT_DIR"), "/schema.rs"));
}

#[cfg(test)]
mod tests {
    use super::*;

    // UNREAD, NAMED and DATA, as build.rs reads them.
    include!("json_keywords.rs");

    /// The keywords build.rs leaves out, removed from a schema (not from a mapping of names).
    fn without_unread(v: &Value, keys_are_names: bool) -> Value {
        match v {
            Value::Object(map) => Value::Object(
                map.iter()
                    .filter(|(k, _)| keys_are_names || !UNREAD.contains(&k.as_str()))
                    .map(|(k, x)| {
                        let named = !keys_are_names && NAMED.contains(&k.as_str());
                        let data = !keys_are_names && DATA.contains(&k.as_str());
                        let x = if data {
                            x.clone()
                        } else {
                            without_unread(x, named)
                        };
                        (k.clone(), x)
                    })
                    .collect(),
            ),
            Value::Array(items) => {
                Value::Array(items.iter().map(|x| without_unread(x, false)).collect())
            }
            other => other.clone(),
        }
    }

    /// `definitions` back in the committed order, to compare as `serde_json` values do
    /// (`preserve_order` maps compare entry by entry in order).
    fn in_order_of(laid_out: Value, committed: &Value) -> Value {
        let (Value::Object(mut ours), Some(Value::Object(theirs))) =
            (laid_out, committed.get("definitions").cloned())
        else {
            unreachable!("the schema is a mapping with definitions")
        };
        let Some(Value::Object(mut defs)) = ours.remove("definitions") else {
            unreachable!("definitions laid out")
        };
        let reordered: serde_json::Map<String, Value> = theirs
            .keys()
            .map(|k| (k.clone(), defs.remove(k).unwrap_or(Value::Null)))
            .collect();
        assert!(
            defs.is_empty(),
            "definitions build.rs invented: {:?}",
            defs.keys()
        );
        let mut out = serde_json::Map::new();
        for k in committed.as_object().unwrap().keys() {
            if k == "definitions" {
                out.insert(k.clone(), Value::Object(reordered.clone()));
            } else if let Some(v) = ours.remove(k) {
                out.insert(k.clone(), v);
            }
        }
        Value::Object(out)
    }

    #[test]
    fn build_rs_lays_out_the_committed_schema_without_what_the_walk_never_reads() {
        let committed: Value =
            serde_json::from_str(include_str!("../../schema/cigen.schema.json")).unwrap();
        let expected = without_unread(&committed, false);
        let ours = in_order_of(committed::COMMITTED.to_value(), &committed);
        assert_eq!(ours, expected);
        // And something was left out: the descriptions are most of the file.
        assert!(ours.to_string().len() * 3 < committed.to_string().len());
    }

    #[test]
    fn the_walk_reads_no_keyword_build_rs_leaves_out() {
        // Release builds walk the schema without these keywords, debug builds (the tests)
        // with them: a keyword the walk reads must never be on the list.
        let sources = [
            include_str!("walk.rs"),
            include_str!("walk/allowed.rs"),
            include_str!("walk/scalar.rs"),
            include_str!("walk/type_error.rs"),
            include_str!("hints.rs"),
            include_str!("foreign.rs"),
        ];
        let read: Vec<&str> = sources
            .iter()
            .flat_map(|s| s.split("get(\"").skip(1))
            .filter_map(|rest| rest.split('"').next())
            .collect();
        assert!(
            read.contains(&"properties") && read.contains(&"$ref"),
            "{read:?}"
        );
        for k in UNREAD {
            assert!(
                !read.contains(k),
                "the walk reads `{k}`, which build.rs leaves out"
            );
        }
    }

    #[test]
    fn definitions_are_sorted_and_found_by_name() {
        let defs = committed::COMMITTED.get("definitions").unwrap();
        assert!(matches!(defs, Json::Sorted(_)));
        let names: Vec<&str> = defs.as_object().unwrap().iter().map(|(k, _)| *k).collect();
        assert!(names.windows(2).all(|w| w[0] < w[1]), "{names:?}");
        for name in &names {
            assert!(defs.get(name).is_some(), "{name}");
        }
        assert!(defs.get("Job").and_then(|j| j.get("properties")).is_some());
        assert!(defs.get("NoSuchDefinition").is_none());
    }

    #[test]
    fn a_leaked_schema_reads_like_the_committed_one() {
        let committed: Value =
            serde_json::from_str(include_str!("../../schema/cigen.schema.json")).unwrap();
        let leaked = Json::leak(&committed);
        assert_eq!(
            in_order_of(leaked.to_value(), &committed),
            committed,
            "leak keeps every key"
        );
        assert!(matches!(leaked.get("definitions"), Some(Json::Sorted(_))));
        assert_eq!(
            leaked
                .get("properties")
                .and_then(|p| p.get("version"))
                .is_some(),
            committed::COMMITTED
                .get("properties")
                .and_then(|p| p.get("version"))
                .is_some()
        );
    }
}
