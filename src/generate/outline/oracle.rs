//! The reader against `serde_yaml`, which the self-check used before it read events: on
//! random documents both must accept or refuse alike and find the same facts. The documents
//! mix block and flow style, quoted and plain scalars, tags, numbers, nulls and booleans in
//! key and value positions, and keys repeated (as equal or as merely similar values).

use proptest::prelude::*;
use serde_yaml::Value;

use super::{github, gitlab, Entries, GithubJob, GitlabJob, Outline};

/// A generated node: scalars are written as given, so one text can be plain, quoted or tagged.
#[derive(Debug, Clone)]
enum Gen {
    Scalar(&'static str),
    /// A block scalar (`|`, `>`, with chomping) of these lines; only where a block value may
    /// stand.
    Block(&'static str, Vec<&'static str>),
    Seq(Vec<Gen>),
    Map(Vec<(&'static str, Gen)>),
    /// A collection with a tag (`!!seq [..]`, `!custom {..}`), written in flow style.
    Tagged(&'static str, Box<Gen>),
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

/// Left out, as the two parsers differ and renderings write neither: a tag with no value
/// before a flow indicator (`[!!str]`: libyaml refuses it, saphyr reads an empty string), and
/// a quoted scalar whose next line is indented less than its block, and a lone `-` before a
/// flow indicator (`{a: -}`): libyaml accepts both, saphyr, as the YAML spec, refuses them.
const SCALARS: &[&str] = &[
    "x",
    r#""\u00e9\x41\N\_\/""#,
    "'it''s'",
    "&anc x",
    "*anc",
    "&anc [y]",
    "+1",
    "0o17",
    "0b11",
    "1_000",
    ".5",
    "-.inf",
    ".NaN",
    "0.",
    "1e-3",
    "TRUE",
    "nULL",
    "y",
    "\"\"",
    "'#'",
    "a-b",
    "${{ x }}",
    "a\\b",
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
    let lines = proptest::sample::select(&["one", "two", "  in", ""][..]);
    let style = proptest::sample::select(&["|", "|-", "|+", ">", ">-", ">+", "|2"][..]);
    let leaf = prop_oneof![
        4 => proptest::sample::select(SCALARS).prop_map(Gen::Scalar),
        1 => (style, proptest::collection::vec(lines, 1..4))
            .prop_map(|(style, lines)| Gen::Block(style, lines)),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        let seq = proptest::collection::vec(inner.clone(), 0..4).prop_map(Gen::Seq);
        let map = proptest::collection::vec((proptest::sample::select(KEYS), inner), 0..4)
            .prop_map(Gen::Map);
        let tag = proptest::sample::select(&["!!seq", "!!map", "!custom"][..]);
        prop_oneof![
            3 => seq.clone(),
            3 => map.clone(),
            1 => (tag, prop_oneof![seq, map]).prop_map(|(t, g)| Gen::Tagged(t, Box::new(g))),
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

/// A GitHub job: `steps` (mappings with `run`, or anything), `needs`, a matrix `include`.
fn workflow_job() -> impl Strategy<Value = Gen> {
    let either = || prop_oneof![2 => proptest::collection::vec(node(), 0..4).prop_map(Gen::Seq), 1 => node()];
    let step = prop_oneof![
        3 => either().prop_map(|v| Gen::Map(vec![("run", v)])),
        1 => node(),
    ];
    let steps = prop_oneof![
        3 => proptest::collection::vec(step, 0..4).prop_map(Gen::Seq),
        1 => node(),
    ];
    (
        proptest::option::of(steps),
        proptest::option::of(either()),
        proptest::option::of(either()),
        proptest::option::of((proptest::sample::select(KEYS), node())),
    )
        .prop_map(|(steps, needs, include, extra)| {
            let mut entries = Vec::new();
            entries.extend(steps.map(|v| ("steps", v)));
            entries.extend(needs.map(|v| ("needs", v)));
            entries.extend(include.map(|v| {
                (
                    "strategy",
                    Gen::Map(vec![("matrix", Gen::Map(vec![("include", v)]))]),
                )
            }));
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
                    Gen::Block(..) => value(item, indent, out),
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
        Gen::Block(style, lines) => {
            out.push_str(&format!(" {style}\n"));
            for l in lines {
                out.push_str(&format!("{}{l}\n", " ".repeat(indent + 2)));
            }
        }
        other => out.push_str(&format!(" {}\n", flow(other))),
    }
}

fn flow(g: &Gen) -> String {
    match g {
        Gen::Tagged(tag, inner) => format!("{tag} {}", flow(inner)),
        Gen::Scalar(s) => (*s).to_string(),
        Gen::Block(_, lines) => format!("{:?}", lines.join("\n")),
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

/// A GitHub job's name, `run:` lines (`None` when `steps` is no list), `needs`, cells.
type WorkflowFacts = (String, Option<Vec<String>>, Vec<String>, usize);

fn workflow_oracle(doc: &str) -> Result<Option<(Vec<WorkflowFacts>, usize)>, String> {
    let v: Value = serde_yaml::from_str(doc).map_err(|e| e.to_string())?;
    let Some(Value::Mapping(jobs)) = get(Some(&v), "jobs") else {
        return Ok(None);
    };
    let (mut named, mut others) = (Vec::new(), 0);
    for (k, job) in jobs {
        let Value::String(name) = k else {
            others += 1;
            continue;
        };
        let job = Some(job);
        let runs = match get(job, "steps") {
            Some(Value::Sequence(steps)) => Some(
                steps
                    .iter()
                    .flat_map(|s| strings(get(Some(s), "run")))
                    .collect(),
            ),
            _ => None,
        };
        let cells = match get(get(get(job, "strategy"), "matrix"), "include") {
            Some(Value::Sequence(s)) => s.len(),
            _ => 0,
        };
        named.push((name.clone(), runs, strings(get(job, "needs")), cells));
    }
    named.sort();
    Ok(Some((named, others)))
}

fn workflow_reader(doc: &str) -> Result<Option<(Vec<WorkflowFacts>, usize)>, String> {
    let Outline::Workflow(jobs) = github(doc)? else {
        unreachable!("a workflow read gives a workflow outline")
    };
    Ok(jobs.map(|Entries { named, others }| {
        let mut named: Vec<_> = named
            .into_iter()
            .map(|(name, j): (String, GithubJob)| (name, j.runs, j.needs, j.cells))
            .collect();
        named.sort();
        (named, others)
    }))
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

/// Both accept `doc` and find the same, or both refuse it.
fn agree<T: PartialEq + std::fmt::Debug>(
    doc: &str,
    want: Result<T, String>,
    got: Result<T, String>,
) -> Result<(), TestCaseError> {
    match (want, got) {
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
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]
    #[test]
    fn the_reader_finds_what_serde_yaml_finds(top in proptest::collection::vec(
        (proptest::sample::select(KEYS), prop_oneof![3 => job(), 1 => node()]), 0..5,
    )) {
        let mut doc = String::new();
        block(&Gen::Map(top), 0, &mut doc);
        agree(&doc, oracle(&doc), reader(&doc))?;
    }

    #[test]
    fn the_workflow_reader_finds_what_serde_yaml_finds(
        jobs in proptest::collection::vec(
            (proptest::sample::select(KEYS), prop_oneof![3 => workflow_job(), 1 => node()]),
            0..4,
        ),
        other in proptest::option::of((proptest::sample::select(KEYS), node())),
    ) {
        let mut top = vec![("jobs", Gen::Map(jobs))];
        top.extend(other);
        let mut doc = String::new();
        block(&Gen::Map(top), 0, &mut doc);
        agree(&doc, workflow_oracle(&doc), workflow_reader(&doc))?;
    }

    /// What the renderer escapes, the reader reads back as the very text (as `serde_yaml` does,
    /// `escape`'s own test): a job name or `run:` line the check would otherwise call wrong.
    #[test]
    fn escaped_text_reads_back_as_itself(
        s in "\\PC*|[\\x00-\\x7f\\u{80}-\\u{ff}\\u{2028}\\u{2029}\\u{85}\\u{feff}\\u{202e}]{0,12}",
    ) {
        let v = crate::generate::escape::yaml_scalar(&s);
        let doc = format!("{v}:\n  script:\n    - {v}\n  needs: [{v}]\n");
        let jobs = reader(&doc).map_err(|e| TestCaseError::fail(format!("{doc:?}: {e}")))?;
        let (name, script, needs, ..) = &jobs.named[0];
        prop_assert_eq!((name, script, needs), (&s, &vec![s.clone()], &vec![s.clone()]), "{:?}", doc);
    }
}
