//! The reader against `serde_yaml`, which the self-check used before it read events: on
//! random documents both must accept or refuse alike and find the same facts. The documents
//! mix block and flow style, quoted and plain scalars, tags, numbers, nulls and booleans in
//! key and value positions, and keys repeated (as equal or as merely similar values).

use proptest::prelude::*;
use serde_yaml::Value;

use super::{gitlab, Entries, GitlabJob, Outline};

/// A generated node: scalars are written as given, so one text can be plain, quoted or tagged.
#[derive(Debug, Clone)]
enum Gen {
    Scalar(&'static str),
    /// A literal block scalar (`|`) of these lines; only where a block value may stand.
    Block(Vec<&'static str>),
    Seq(Vec<Gen>),
    Map(Vec<(&'static str, Gen)>),
}

const KEYS: &[&str] = &[
    "script",
    "needs",
    "parallel",
    "matrix",
    "artifacts",
    "reports",
    "junit",
    "dotenv",
    "a",
    "b",
    "'a'",
    "\"b\"",
    "1",
    "0x1",
    "01",
    "1.0",
    "-1",
    "null",
    "~",
    "Null",
    "true",
    "yes",
    "!!str 1",
    "!custom k",
];

/// Left out: a tag with no value before a flow indicator (`[!!str]`), which libyaml refuses
/// and saphyr reads as an empty string; renderings never write tags.
const SCALARS: &[&str] = &[
    "x",
    "cigen run a",
    "'quoted'",
    "\"dq\\tesc\"",
    "''",
    "1",
    "0x1",
    "01",
    "1.0",
    "-1",
    ".inf",
    "1e3",
    "null",
    "~",
    "NULL",
    "true",
    "False",
    "yes",
    "off",
    "!!str 3",
    "!custom 4",
    "!custom x",
    "a: b",
    "'a: b'",
    "x #c",
    "\"x #c\"",
    "2001-12-14",
];

fn node() -> impl Strategy<Value = Gen> {
    let leaf = prop_oneof![
        4 => proptest::sample::select(SCALARS).prop_map(Gen::Scalar),
        1 => proptest::collection::vec(proptest::sample::select(&["one", "two", "  in"][..]), 1..3)
            .prop_map(Gen::Block),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Gen::Seq),
            proptest::collection::vec((proptest::sample::select(KEYS), inner), 0..4)
                .prop_map(Gen::Map),
        ]
    })
}

/// A job-like mapping: the keys whose facts the reader takes, holding what they usually hold
/// or anything else.
fn job() -> impl Strategy<Value = Gen> {
    let list = || proptest::collection::vec(node(), 0..4).prop_map(Gen::Seq);
    let either = || prop_oneof![2 => list(), 1 => node()];
    (
        proptest::option::of(either()),
        proptest::option::of(either()),
        proptest::option::of(either()),
        proptest::option::of((either(), either())),
        proptest::option::of((proptest::sample::select(KEYS), node())),
    )
        .prop_map(|(script, needs, matrix, reports, extra)| {
            let mut entries = Vec::new();
            entries.extend(script.map(|v| ("script", v)));
            entries.extend(needs.map(|v| ("needs", v)));
            entries.extend(matrix.map(|v| ("parallel", Gen::Map(vec![("matrix", v)]))));
            entries.extend(reports.map(|(j, d)| {
                let reports = Gen::Map(vec![("junit", j), ("dotenv", d)]);
                ("artifacts", Gen::Map(vec![("reports", reports)]))
            }));
            // Sometimes a key the job has already: a duplicate both must refuse.
            entries.extend(extra);
            Gen::Map(entries)
        })
}

/// Block style where it can be, flow style inside flow collections and sequence items.
fn block(g: &Gen, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match g {
        Gen::Map(entries) if !entries.is_empty() => {
            for (k, v) in entries {
                out.push_str(&format!("{pad}{k}:"));
                value(v, indent, out);
            }
        }
        Gen::Seq(items) if !items.is_empty() => {
            for item in items {
                out.push_str(&format!("{pad}-"));
                match item {
                    Gen::Block(_) => value(item, indent, out),
                    _ => out.push_str(&format!(" {}\n", flow(item))),
                }
            }
        }
        other => out.push_str(&format!("{pad}{}\n", flow(other))),
    }
}

/// What follows `key:` or `-`: a block below, a block scalar, or a flow value on the line.
fn value(v: &Gen, indent: usize, out: &mut String) {
    match v {
        Gen::Map(e) if !e.is_empty() => {
            out.push('\n');
            block(v, indent + 2, out);
        }
        Gen::Seq(i) if !i.is_empty() => {
            out.push('\n');
            block(v, indent + 2, out);
        }
        Gen::Block(lines) => {
            out.push_str(" |\n");
            for l in lines {
                out.push_str(&format!("{}{l}\n", " ".repeat(indent + 2)));
            }
        }
        other => out.push_str(&format!(" {}\n", flow(other))),
    }
}

fn flow(g: &Gen) -> String {
    match g {
        Gen::Scalar(s) => (*s).to_string(),
        Gen::Block(lines) => format!("{:?}", lines.join("\n")),
        Gen::Seq(items) => format!(
            "[{}]",
            items.iter().map(flow).collect::<Vec<_>>().join(", ")
        ),
        Gen::Map(entries) => format!(
            "{{{}}}",
            entries
                .iter()
                .map(|(k, v)| format!("{k}: {}", flow(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// A job's name, `script` lines, `needs`, matrix cells, JUnit and dotenv reports.
type JobFacts = (
    String,
    Vec<String>,
    Vec<String>,
    usize,
    Option<String>,
    Option<String>,
);

/// The facts as the self-check took them from a `serde_yaml::Value`.
#[derive(Debug, PartialEq)]
struct Facts {
    named: Vec<JobFacts>,
    others: usize,
}

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Sequence(items)) => items.iter().flat_map(|i| strings(Some(i))).collect(),
        _ => Vec::new(),
    }
}

fn get<'v>(v: Option<&'v Value>, key: &str) -> Option<&'v Value> {
    match v {
        Some(Value::Mapping(m)) => m.get(key),
        _ => None,
    }
}

fn text(v: Option<&Value>, first: bool) -> Option<String> {
    match v {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Sequence(items)) if first => text(items.first(), false),
        _ => None,
    }
}

fn oracle(doc: &str) -> Result<Facts, String> {
    let v: Value = serde_yaml::from_str(doc).map_err(|e| e.to_string())?;
    let mut facts = Facts {
        named: Vec::new(),
        others: 0,
    };
    if let Value::Mapping(m) = &v {
        for (k, job) in m {
            let Value::String(name) = k else {
                facts.others += 1;
                continue;
            };
            let job = Some(job);
            let count = match get(get(job, "parallel"), "matrix") {
                Some(Value::Sequence(s)) => s.len(),
                _ => 0,
            };
            let reports = get(get(job, "artifacts"), "reports");
            facts.named.push((
                name.clone(),
                strings(get(job, "script")),
                strings(get(job, "needs")),
                count,
                text(get(reports, "junit"), true),
                text(get(reports, "dotenv"), false),
            ));
        }
    }
    facts.named.sort();
    Ok(facts)
}

fn reader(doc: &str) -> Result<Facts, String> {
    let Outline::Gitlab(Entries { named, others }) = gitlab(doc)? else {
        unreachable!("a GitLab read gives a GitLab outline")
    };
    let mut named: Vec<_> = named
        .into_iter()
        .map(|(name, j): (String, GitlabJob)| (name, j.script, j.needs, j.cells, j.junit, j.dotenv))
        .collect();
    named.sort();
    Ok(Facts { named, others })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]
    #[test]
    fn the_reader_finds_what_serde_yaml_finds(top in proptest::collection::vec(
        (proptest::sample::select(KEYS), prop_oneof![3 => job(), 1 => node()]), 0..5,
    )) {
        let mut doc = String::new();
        block(&Gen::Map(top), 0, &mut doc);
        match (oracle(&doc), reader(&doc)) {
            (Ok(want), Ok(got)) => prop_assert_eq!(got, want, "document:\n{}", doc),
            (Err(_), Err(_)) => {}
            (want, got) => prop_assert!(
                false,
                "serde_yaml: {:?}\nreader: {:?}\ndocument:\n{}",
                want.map(|_| "ok"),
                got.map(|_| "ok"),
                doc
            ),
        }
    }
}
