//! Property tests for the spec loader: random text and mutated real specs never panic, every
//! diagnostic points inside the text, rendering never panics, and a spec that loads always
//! yields a consistent pipeline. Case counts are bounded so the whole module runs in seconds.

use std::path::Path;

use cigen::compile::{load_str, LoadError, Loaded};
use cigen::diagnostic::{render_all, render_json, Diagnostic, Style};
use cigen::source::SourceFile;
use proptest::prelude::*;

use crate::schema::example_specs;

/// Loads `text` and checks every invariant; returns whether it loaded.
fn check_invariants(text: &str) -> bool {
    match load_str(Path::new("fuzz.yaml"), text, Path::new(".")) {
        Ok(loaded) => {
            check_diagnostics(&loaded.source, &loaded.warnings);
            check_pipeline(&loaded);
            true
        }
        Err(LoadError::Invalid {
            source,
            diagnostics,
        }) => {
            assert!(
                diagnostics.iter().any(Diagnostic::is_error),
                "rejected without an error: {diagnostics:?}"
            );
            check_diagnostics(&source, &diagnostics);
            false
        }
        Err(e) => panic!("load_str cannot fail with I/O: {e}"),
    }
}

fn check_diagnostics(source: &SourceFile, diagnostics: &[Diagnostic]) {
    let text = source.text();
    for d in diagnostics {
        let span = d
            .span
            .unwrap_or_else(|| panic!("diagnostic without a location: {d:?}"));
        assert!(
            span.start <= span.end && span.end <= text.len(),
            "span {span:?} outside a text of {} bytes: {d:?}",
            text.len()
        );
        assert!(
            text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
            "span {span:?} splits a character: {d:?}"
        );
        assert!(!d.message.is_empty(), "empty message: {d:?}");
    }
    let human = render_all(source, diagnostics, Style::Color);
    assert_eq!(
        human.matches("error[").count() + human.matches("warning[").count(),
        diagnostics.len()
    );
    let json: serde_json::Value =
        serde_json::from_str(&render_json(source, diagnostics)).expect("render_json is JSON");
    assert_eq!(
        json["diagnostics"].as_array().map(Vec::len),
        Some(diagnostics.len())
    );
}

/// A loaded spec becomes a pipeline with every job, in an order where needs come first.
fn check_pipeline(loaded: &Loaded) {
    let p = &loaded.pipeline;
    let spec = cigen::compile::load_str_keeping_spec(
        loaded.source.path(),
        loaded.source.text(),
        Path::new("."),
    )
    .expect("loads again")
    .1;
    assert_eq!(p.jobs.len(), spec.jobs.len());
    for (i, (name, job)) in p.jobs.iter().enumerate() {
        assert_eq!(name, &job.name);
        for need in &job.needs {
            let at = p
                .jobs
                .get_index_of(need)
                .unwrap_or_else(|| panic!("`{name}` needs unknown `{need}`"));
            assert!(at < i, "`{name}` comes before its need `{need}`");
        }
        if let Some(m) = &job.matrix {
            assert!(!m.cells.is_empty(), "`{name}` has a matrix without cells");
        }
    }
}

fn examples() -> Vec<String> {
    let mut texts: Vec<String> = example_specs()
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("example"))
        .collect();
    texts.push("version: 1\njobs:\n  a:\n    steps: [make]\n  b:\n    needs: [a]\n    steps:\n      - run: make b\n        retry: 2\n".into());
    texts
}

/// The malformed corpus (`tests/specs/invalid`): seeds that already sit next to error paths.
fn malformed() -> Vec<String> {
    let dir = crate::test::repo_root().join("tests/specs/invalid");
    let mut texts: Vec<String> = std::fs::read_dir(dir)
        .expect("tests/specs/invalid")
        .filter_map(|e| e.ok())
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .collect();
    texts.sort();
    texts
}

/// YAML fragments that tend to reach interesting parser and checker states.
const TOKENS: &[&str] = &[
    ":",
    ": ",
    "- ",
    "[",
    "]",
    "{",
    "}",
    ",",
    "\"",
    "'",
    "#",
    "&a ",
    "*a",
    "!!str ",
    "? ",
    "|",
    ">",
    "---",
    "...",
    "\t",
    "\r\n",
    "\n",
    "  ",
    "needs: [",
    "steps:",
    "run: ",
    "matrix: { x: [] }",
    "when: { changed: [\"[\"] }",
    "${{ secrets.X }}",
    "$MATRIX_",
    "yes",
    "on",
    "~",
    "null",
    "0x1F",
    "1e999",
    "-1",
    "é",
    "日本",
    "\u{feff}",
    "\u{0}",
    "\u{1b}[31m",
    "jobs:",
    "version: 1",
    "timeout: 15 minutes",
    "x-a: &a",
];

#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize),
    Duplicate(usize),
    Swap(usize, usize),
    Insert(usize, usize, usize),
    Indent(usize, bool),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Delete),
        any::<usize>().prop_map(Mutation::Duplicate),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Swap(a, b)),
        (any::<usize>(), any::<usize>(), 0..TOKENS.len())
            .prop_map(|(l, c, t)| Mutation::Insert(l, c, t)),
        (any::<usize>(), any::<bool>()).prop_map(|(l, more)| Mutation::Indent(l, more)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn apply(text: &str, m: &Mutation) -> String {
    let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
    let n = lines.len().max(1);
    match *m {
        Mutation::Delete(i) => {
            lines.remove(i % n);
        }
        Mutation::Duplicate(i) => {
            let l = lines[i % lines.len()].clone();
            lines.insert(i % lines.len(), l);
        }
        Mutation::Swap(a, b) => {
            let len = lines.len();
            lines.swap(a % len, b % len);
        }
        Mutation::Insert(l, c, t) => {
            let line = &mut lines[l % n];
            let chars: Vec<char> = line.chars().collect();
            let at = c % (chars.len() + 1);
            let mut s: String = chars[..at].iter().collect();
            s.push_str(TOKENS[t]);
            s.extend(&chars[at..]);
            *line = s;
        }
        Mutation::Indent(l, more) => {
            let line = &mut lines[l % n];
            if more {
                line.insert(0, ' ');
            } else if line.starts_with(' ') {
                line.remove(0);
            }
        }
        Mutation::Truncate(at) => {
            let joined = lines.join("\n");
            let mut cut = at % (joined.len() + 1);
            while !joined.is_char_boundary(cut) {
                cut -= 1;
            }
            return joined[..cut].to_string();
        }
    }
    lines.join("\n")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        check_invariants(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn random_yaml_token_soup_never_panics(tokens in proptest::collection::vec(0..TOKENS.len(), 0..60)) {
        let text: String = tokens.iter().map(|t| TOKENS[*t]).collect();
        check_invariants(&text);
    }

    #[test]
    fn mutated_malformed_specs_never_panic(which in any::<usize>(), mutations in proptest::collection::vec(mutation(), 0..4)) {
        let all = malformed();
        let mut text = all[which % all.len()].clone();
        for m in &mutations {
            text = apply(&text, m);
        }
        check_invariants(&text);
    }

    #[test]
    fn mutated_examples_never_panic(which in any::<usize>(), mutations in proptest::collection::vec(mutation(), 1..6)) {
        let all = examples();
        let mut text = all[which % all.len()].clone();
        for m in &mutations {
            text = apply(&text, m);
        }
        check_invariants(&text);
    }
}

#[test]
fn every_example_loads_and_builds_a_pipeline() {
    for text in examples() {
        assert!(
            check_invariants(&text),
            "an example failed to load:\n{text}"
        );
    }
}

#[test]
fn deep_nesting_is_refused_without_overflowing_the_stack() {
    let depth = 100_000;
    for text in [
        format!(
            "version: 1\njobs: {}{}",
            "[".repeat(depth),
            "]".repeat(depth)
        ),
        format!(
            "version: 1\njobs: {}{}",
            "{a: ".repeat(depth),
            "}".repeat(depth)
        ),
        format!("version: 1\njobs: {}", "- ".repeat(depth)),
    ] {
        assert!(!check_invariants(&text));
    }
    // Block nesting: each level is one more line, indented by one more step.
    let mut text = String::from("version: 1\njobs:\n");
    for level in 0..2_000 {
        text.push_str(&" ".repeat(level + 2));
        text.push_str("k:\n");
    }
    assert!(!check_invariants(&text));
}

#[test]
fn alias_expansion_is_bounded() {
    // Nine levels of ten-fold aliases would be a billion nodes if expanded.
    let mut text =
        String::from("version: 1\nx-0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let p = format!("*a{}", i - 1);
        text.push_str(&format!("x-{i}: &a{i} [{}]\n", [p.as_str(); 10].join(", ")));
    }
    text.push_str("jobs:\n  a:\n    steps: *a9\n");
    assert!(!check_invariants(&text));
    let err = match load_str(Path::new("bomb.yaml"), &text, Path::new(".")) {
        Err(LoadError::Invalid { diagnostics, .. }) => diagnostics,
        _ => Vec::new(),
    };
    assert!(
        err.iter()
            .any(|d| d.message.contains("too large after expanding aliases")),
        "{err:?}"
    );
}

#[test]
fn large_specs_load() {
    // Thousands of jobs in a chain, each reading a secret and an output: the rules must stay
    // close to linear (a quadratic rule shows here as a test that takes minutes).
    let mut text = String::from(
        "version: 1\nsecrets: [TOKEN]\njobs:\n  j0:\n    outputs: [v]\n    steps: [make]\n",
    );
    for i in 1..3000 {
        text.push_str(&format!(
            "  j{i}:\n    needs: [j{}]\n    steps: [\"echo $TOKEN $J0_V\"]\n",
            i - 1
        ));
    }
    let out = load_str(Path::new("big.yaml"), &text, Path::new("."));
    let Err(LoadError::Invalid { diagnostics, .. }) = out else {
        panic!("reading $J0_V without needing j0 must be reported")
    };
    assert_eq!(
        diagnostics
            .iter()
            .filter(|d| d.code == "output-without-need")
            .count(),
        2998
    );
}
