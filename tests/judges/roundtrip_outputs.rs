//! The adversarial round trip through generated outputs: descriptions as GitHub job names and
//! justfile doc comments, the pipeline name as the GitHub workflow name and GitLab's
//! `workflow:name`, read back by YAML 1.1 and 1.2 readers (and just) as what the user wrote.
//! Every generated file of the adversarial spec must also satisfy every static judge.

use std::path::PathBuf;

use serde_json::Value;

use super::nasty::{desc_job, dq, NASTY};
use super::outputs::Outputs;
use super::realrun::generate;
use super::repo::{Forge, TempRepo};
use super::roundtrip::{expect_string, readers};
use super::tool::{judge, judges_python, Complaints};
use super::verdicts;

const TARGETS: &str = "  github: {}\n  gitlab: { install: present }\n  just: {}\n";

/// What GitHub shows for a string field: it evaluates every `${{ }}`. The generator may only
/// use the literal form `${{ '...' }}` to show user text; anything else would evaluate user
/// text, which is an error here.
pub fn github_shown(s: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("${{") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 3..];
        let end = after
            .find("}}")
            .ok_or_else(|| format!("unclosed expression in {s:?}"))?;
        let inner = after[..end].trim();
        let lit = inner
            .strip_prefix('\'')
            .and_then(|x| x.strip_suffix('\''))
            .filter(|x| !x.replace("''", "").contains('\''))
            .ok_or_else(|| format!("GitHub would evaluate `${{{{{inner}}}}}` in {s:?}"))?;
        out.push_str(&lit.replace("''", "'"));
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

/// What GitLab shows for a field it expands variables in: `$$` is a literal `$`; any other
/// `$` followed by a variable name or `{` would be expanded, an error here.
pub fn gitlab_shown(s: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '$' {
            out.push(c);
        } else if chars.peek() == Some(&'$') {
            chars.next();
            out.push('$');
        } else if chars
            .peek()
            .is_some_and(|n| n.is_ascii_alphabetic() || *n == '_' || *n == '{')
        {
            return Err(format!("GitLab would expand a variable in {s:?}"));
        } else {
            out.push('$');
        }
    }
    Ok(out)
}

/// A one-line display form: GitHub job names and just doc comments show the description's
/// first non-blank line, trimmed (a single-line description is shown exactly as written).
pub fn display_line(s: &str) -> Option<String> {
    s.lines()
        .find(|l| !l.trim().is_empty())
        .map(|l| l.trim().to_string())
}

/// Values a one-line display must show exactly (the YAML, shell and template traps).
fn must_show_exactly(v: &str) -> bool {
    display_line(v).as_deref() == Some(v)
}

fn adversarial_repo() -> TempRepo {
    let repo = TempRepo::new();
    repo.write("cigen.yaml", &super::nasty::spec(TARGETS));
    generate(repo.path());
    repo.commit(Forge::Gitlab);
    repo
}

#[test]
fn every_trap_is_a_single_line_value_that_must_round_trip_exactly() {
    // Guards the list itself: the classic traps are shown verbatim, not in display form.
    for name in [
        "no",
        "on",
        "octal",
        "underscore",
        "sexagesimal",
        "date",
        "tilde",
        "alias",
        "dash",
        "colon",
        "hash",
        "github-expr",
        "dollar",
        "just-braces",
        "quotes",
        "bidi",
        "bom",
    ] {
        let v = NASTY.iter().find(|(n, _)| *n == name).expect("listed").1;
        assert!(must_show_exactly(v), "{name}: {v:?}");
    }
    assert_eq!(github_shown("a ${{ '${{' }} b }}"), Ok("a ${{ b }}".into()));
    assert!(github_shown("${{ github.token }}").is_err());
    assert_eq!(gitlab_shown("$$HOME $ 1"), Ok("$HOME $ 1".into()));
    assert!(gitlab_shown("$HOME").is_err());
}

#[test]
fn github_job_names_show_each_description() {
    let Some(python) = judges_python() else {
        return;
    };
    let repo = adversarial_repo();
    let o = Outputs::find(repo.path());
    let workflow = repo.path().join(&o.workflows[0]);
    let mut c = Complaints::default();
    for r in readers(&python) {
        let doc = match r.read_one(&workflow) {
            Ok(d) => d,
            Err(e) => {
                c.add(format!("{}: {e}", r.name));
                continue;
            }
        };
        for (name, value) in NASTY {
            let job = desc_job(name);
            let want = display_line(value).unwrap_or_else(|| job.clone());
            let place = format!("jobs.{job}.name");
            match doc.pointer(&format!("/jobs/{job}/name")) {
                Some(Value::String(s)) => match github_shown(s) {
                    Ok(shown) if shown == want => {}
                    Ok(shown) => c.add(format!(
                        "{}: {place}: GitHub shows {shown:?}, expected {want:?} (YAML {s:?})",
                        r.name
                    )),
                    Err(e) => c.add(format!("{}: {place}: {e}", r.name)),
                },
                other => c.add(format!(
                    "{}: {place}: expected a string, read {other:?}",
                    r.name
                )),
            }
        }
    }
    c.finish("GitHub job names from descriptions");
}

#[test]
fn pipeline_names_round_trip_into_github_and_gitlab() {
    let Some(python) = judges_python() else {
        return;
    };
    // GitHub refuses any expression in a workflow's name, even the escaped `${{` cigen writes
    // elsewhere, so `check` refuses such a name (`expression-in-name`): it cannot round-trip.
    let names: Vec<(&str, &str)> = NASTY
        .iter()
        .copied()
        .filter(|(_, v)| !v.contains("${{"))
        .collect();
    let mut repos = Vec::new();
    for (_, value) in &names {
        let repo = TempRepo::new();
        let spec = format!(
            "version: 1\nname: {}\njobs:\n  only:\n    steps: [\"true\"]\ntargets:\n{TARGETS}",
            dq(value)
        );
        repo.write("cigen.yaml", &spec);
        generate(repo.path());
        repos.push(repo);
    }
    let files = |rel: &str| -> Vec<PathBuf> { repos.iter().map(|r| r.path().join(rel)).collect() };
    let (github, gitlab) = (files(".github/workflows/ci.yml"), files(".gitlab-ci.yml"));
    let mut c = Complaints::default();
    for r in readers(&python) {
        let (gh, gl) = match (r.read(&github), r.read(&gitlab)) {
            (Ok(gh), Ok(gl)) => (gh, gl),
            (a, b) => {
                c.add(format!("{}: {:?} {:?}", r.name, a.err(), b.err()));
                continue;
            }
        };
        for (i, (name, value)) in names.iter().enumerate() {
            let shown =
                |doc: &Value, pointer: &str, f: fn(&str) -> Result<String, String>| match doc
                    .pointer(pointer)
                {
                    Some(Value::String(s)) => f(s).map(Value::String),
                    other => Err(format!("read {other:?}")),
                };
            match shown(&gh[i], "/name", github_shown) {
                Ok(v) => expect_string(
                    &mut c,
                    r.name,
                    &format!("{name}: GitHub workflow name"),
                    Some(&v),
                    value,
                ),
                Err(e) => c.add(format!("{}: {name}: GitHub workflow name: {e}", r.name)),
            }
            match shown(&gl[i], "/workflow/name", gitlab_shown) {
                Ok(v) => expect_string(
                    &mut c,
                    r.name,
                    &format!("{name}: GitLab workflow:name"),
                    Some(&v),
                    value,
                ),
                Err(e) => c.add(format!("{}: {name}: GitLab workflow:name: {e}", r.name)),
            }
        }
    }
    c.finish("pipeline names");
}

#[test]
fn just_lists_each_description_as_written() {
    let Some(just) = judge("just") else { return };
    let repo = adversarial_repo();
    let list = just.run(repo.path(), ["--list"]);
    list.assert_ok();
    let summary = just.run(repo.path(), ["--summary"]);
    let recipes: Vec<&str> = summary.assert_ok().stdout.split_whitespace().collect();
    let mut c = Complaints::default();
    for (name, value) in NASTY {
        let job = desc_job(name);
        if !recipes.contains(&job.as_str()) {
            c.add(format!("just --summary lacks {job}: {}", summary.stdout));
        }
        let lines: Vec<&str> = list
            .stdout
            .lines()
            .filter(|l| l.trim_start().starts_with(&format!("{job} ")))
            .collect();
        match (
            lines.as_slice(),
            must_show_exactly(value)
                && value.chars().all(|ch| {
                    !ch.is_control() && !('\u{200b}'..='\u{206f}').contains(&ch) && ch != '\u{feff}'
                }),
        ) {
            ([line], true) if line.ends_with(&format!("# {value}")) => {}
            ([line], true) => c.add(format!(
                "just --list shows {line:?} for {job}, expected the doc {value:?}"
            )),
            ([line], false)
                if line.contains(|ch: char| {
                    ch.is_control() || ch == '\u{2028}' || ch == '\u{202e}' || ch == '\u{feff}'
                }) =>
            {
                c.add(format!(
                    "just --list shows an invisible or control character for {job}: {line:?}"
                ))
            }
            ([_], false) => {}
            (other, _) => c.add(format!(
                "just --list shows {} lines for {job}: {other:?}",
                other.len()
            )),
        }
    }
    c.finish("justfile doc comments");
}

#[test]
fn static_judges_pass_the_adversarial_outputs() {
    let repo = adversarial_repo();
    let o = Outputs::find(repo.path());
    verdicts::every(&o, "generated outputs of the adversarial spec");
}
