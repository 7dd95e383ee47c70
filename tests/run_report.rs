//! `cigen run` reporters: each format's shape (snapshots), masking in every format, workflow
//! command fencing on GitHub, summary/JUnit/outputs files for CI.

use crate::test::Test;

const SECRET: &str = "s3cr3t-value-AAAA\nsecond-line-BBBB";

/// Leaks the secret every way a step might: plain, per line, base64, split across writes.
const LEAKY: &str = r#"version: 1
secrets: [TOKEN]
jobs:
  leak:
    steps:
      - name: plain
        run: 'echo "token: $TOKEN"'
      - name: base64
        run: 'printf "%s" "$TOKEN" | base64 -w0; echo'
      - name: split
        run: 'printf "%s" "${TOKEN:0:6}"; sleep 0.05; printf "%s\n" "${TOKEN:6:11}"'
"#;

fn base64(s: &str) -> String {
    let out = std::process::Command::new("base64")
        .arg("-w0")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    out.stdin.as_ref().unwrap().write_all(s.as_bytes()).unwrap();
    String::from_utf8(out.wait_with_output().unwrap().stdout).unwrap()
}

#[test]
fn secrets_are_masked_in_every_format() {
    let forbidden = [
        "s3cr3t-value-AAAA",
        "second-line-BBBB",
        &base64(SECRET),
        "s3cr3t-value",
    ];
    for format in ["human", "github", "gitlab", "json"] {
        let t = Test::new()
            .spec(LEAKY)
            .env("TOKEN", SECRET)
            .args(["run", "--log-format", format]);
        let out = t.expect_code(0);
        let logged: Vec<&str> = out
            .stdout
            .lines()
            .filter(|l| !l.starts_with("::add-mask::"))
            .collect();
        for f in forbidden {
            assert!(
                !logged.iter().any(|l| l.contains(f)),
                "{format}: `{f}` leaked:\n{}",
                out.stdout
            );
        }
        assert!(
            logged.iter().any(|l| l.contains("token: ***")),
            "{format}:\n{}",
            out.stdout
        );
        assert!(
            logged.iter().filter(|l| l.contains("***")).count() >= 4,
            "{format}:\n{}",
            out.stdout
        );
        if format == "github" {
            // Registered with the runner before any output, escaped, each line too.
            let first: Vec<&str> = out
                .stdout
                .lines()
                .take_while(|l| l.starts_with("::add-mask::"))
                .collect();
            assert!(
                first.contains(&"::add-mask::s3cr3t-value-AAAA%0Asecond-line-BBBB"),
                "{first:?}"
            );
            assert!(
                first.contains(&"::add-mask::s3cr3t-value-AAAA"),
                "{first:?}"
            );
            assert!(first.contains(&"::add-mask::second-line-BBBB"), "{first:?}");
        }
    }
}

#[test]
fn missing_secrets_are_listed_per_job_before_anything_runs() {
    let spec = "version: 1\nsecrets: [A_KEY]\njobs:\n  one:\n    steps: [touch ran]\n  two:\n    secrets: [B_KEY, C_KEY]\n    steps: [touch ran]\n";
    let t = Test::new()
        .spec(spec)
        .env("C_KEY", "present")
        .env("B_KEY", "")
        .args(["run"]);
    let out = t.expect_code(2);
    assert_eq!(out.stderr, "error: missing secrets (set them in the environment or in the env_file):\n  one: A_KEY\n  two: A_KEY, B_KEY\n");
    assert!(!t.path().join("ran").exists());
    // From the env_file, they count.
    let spec = spec.replace("version: 1\n", "version: 1\nenv_file: .env\n");
    Test::new()
        .spec(&spec)
        .file(".env", "A_KEY=a\nB_KEY=b\nC_KEY=c\n")
        .args(["run"])
        .expect_code(0);
}

#[test]
fn child_workflow_commands_cannot_hijack_the_github_runner() {
    let spec = "version: 1\njobs:\n  evil:\n    steps: ['echo \"::add-mask::x\"; echo \"::error::pwned\"; echo \"::endgroup::\"']\n";
    let out = Test::new()
        .spec(spec)
        .args(["run", "--log-format", "github"])
        .expect_code(0);
    let lines: Vec<&str> = out.stdout.lines().collect();
    let stop = lines
        .iter()
        .position(|l| l.starts_with("::stop-commands::"))
        .expect("stop-commands");
    let token = lines[stop].trim_start_matches("::stop-commands::");
    assert!(token.len() >= 32, "token too short: {token}");
    let resume = lines
        .iter()
        .position(|l| *l == format!("::{token}::"))
        .expect("resume");
    for evil in ["::add-mask::x", "::error::pwned", "::endgroup::"] {
        let at = lines
            .iter()
            .position(|l| *l == evil)
            .unwrap_or_else(|| panic!("{evil} missing:\n{}", out.stdout));
        assert!(
            stop < at && at < resume,
            "{evil} outside the fence:\n{}",
            out.stdout
        );
    }
}

/// A small pipeline with a pass, a failure after output, a condition skip and a dependent skip.
const MIXED: &str = r#"version: 1
name: Demo
jobs:
  ok:
    steps:
      - { name: hello, run: "echo hello" }
  bad:
    needs: [ok]
    steps:
      - { name: fails, run: "echo boom; echo 'a <b> & c'; exit 2" }
  ci_only:
    when: { ci: true }
    steps: [echo deploy]
  after:
    needs: [bad]
    steps: [echo never]
"#;

fn scrub(text: &str) -> String {
    let mut s = text.replace('\x1b', "<ESC>").replace('\r', "<CR>");
    let rules: [(&str, &str); 7] = [
        (r"cigen-[0-9a-f]{32}", "[TOKEN]"),
        (r"section_(start|end):\d+:", "section_$1:[TS]:"),
        (r#""(time_ms|duration_ms)":\d+"#, "\"$1\":[N]"),
        (r#"time="[0-9.]+""#, "time=\"[T]\""),
        (r"\b\d+(\.\d+)?(ms|s)\b", "[DUR]"),
        (r"\[DUR\] +([0-9-])", "[DUR]  $1"),
        (r"(?m)[ \t]+$", ""),
    ];
    for (re, with) in rules {
        s = regex::Regex::new(re)
            .unwrap()
            .replace_all(&s, with)
            .into_owned();
    }
    s
}

fn mixed(format: &str, env: &[(&str, &str)]) -> (Test, crate::test::Output) {
    let mut t = Test::new()
        .spec(MIXED)
        .args(["run", "-j", "1", "--log-format", format]);
    for (k, v) in env {
        t = t.env(k, v);
    }
    let out = t.expect_code(1);
    (t, out)
}

#[test]
fn human_format() {
    let (_, out) = mixed("human", &[]);
    insta::assert_snapshot!("human", scrub(&out.stdout));
}

#[test]
fn human_colour_follows_the_flag() {
    let out = Test::new()
        .spec(MIXED)
        .args(["run", "ok", "--color", "always"])
        .expect_code(0);
    assert!(out.stdout.contains("\x1b["), "{}", out.stdout);
    let out = Test::new()
        .spec(MIXED)
        .env("NO_COLOR", "1")
        .args(["run", "ok"])
        .expect_code(0);
    assert!(!out.stdout.contains("\x1b["), "{}", out.stdout);
}

#[test]
fn github_format_and_step_summary() {
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.md");
    let (_, out) = mixed(
        "github",
        &[("GITHUB_STEP_SUMMARY", summary.to_str().unwrap())],
    );
    insta::assert_snapshot!("github", scrub(&out.stdout));
    insta::assert_snapshot!(
        "github_summary",
        scrub(&std::fs::read_to_string(&summary).unwrap())
    );
    // The summary is a sink: any log format writes it.
    for format in ["human", "json"] {
        let other = dir.path().join(format!("{format}.md"));
        mixed(format, &[("GITHUB_STEP_SUMMARY", other.to_str().unwrap())]);
        assert_eq!(
            scrub(&std::fs::read_to_string(&other).unwrap()),
            scrub(&std::fs::read_to_string(&summary).unwrap()),
            "{format}"
        );
    }
}

#[test]
fn gitlab_format() {
    let (t, out) = mixed("gitlab", &[]);
    insta::assert_snapshot!("gitlab", scrub(&out.stdout));
    // A log format writes no files: the JUnit report is a sink that runs in GitLab CI.
    assert!(!t.path().join(".cigen/junit.xml").exists());
}

#[test]
fn junit_report_in_gitlab_ci_whatever_the_log_format() {
    let mut reports = Vec::new();
    for format in ["gitlab", "human", "json"] {
        let (t, _) = mixed(format, &[("GITLAB_CI", "true")]);
        let xml = std::fs::read_to_string(t.path().join(".cigen/junit.xml"))
            .unwrap_or_else(|e| panic!("{format}: {e}"));
        reports.push(scrub(&xml));
    }
    assert_eq!(reports[0], reports[1]);
    assert_eq!(reports[0], reports[2]);
    insta::assert_snapshot!("gitlab_junit", reports[0]);
}

#[test]
fn json_format() {
    let (_, out) = mixed("json", &[]);
    for line in out.stdout.lines() {
        serde_json::from_str::<serde_json::Value>(line)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
    }
    insta::assert_snapshot!("json", scrub(&out.stdout));
}

#[test]
fn auto_format_follows_the_provider() {
    let out = Test::new()
        .spec(MIXED)
        .env("GITHUB_ACTIONS", "true")
        .args(["run", "ok"])
        .expect_code(0);
    assert!(out.stdout.contains("::group::ok › hello"), "{}", out.stdout);
    let out = Test::new()
        .spec(MIXED)
        .env("GITLAB_CI", "true")
        .args(["run", "ok"])
        .expect_code(0);
    assert!(out.stdout.contains("section_start:"), "{}", out.stdout);
}

const OUTPUTS: &str = "version: 1\njobs:\n  build:\n    outputs: [image, notes]\n    steps:\n      - echo image=img:7 >> \"$CIGEN_OUTPUT\"\n      - printf 'notes<<X\\nl1\\nl2\\nX\\n' >> \"$CIGEN_OUTPUT\"\n      - echo undeclared=1 >> \"$CIGEN_OUTPUT\"\n";

#[test]
fn outputs_go_to_github_output_in_ci() {
    let dir = tempfile::tempdir().unwrap();
    let gh = dir.path().join("gh_output");
    Test::new()
        .spec(OUTPUTS)
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_OUTPUT", gh.to_str().unwrap())
        .args(["run", "build", "--no-deps"])
        .expect_code(0);
    let text = std::fs::read_to_string(&gh).unwrap();
    let text = regex::Regex::new(r"CIGEN_EOF_[0-9a-f]{16}")
        .unwrap()
        .replace_all(&text, "EOF");
    assert_eq!(
        text,
        "image<<EOF\nimg:7\nEOF\nnotes<<EOF\nl1\nl2\nEOF\ncigen-written<<EOF\nimage notes\nEOF\n"
    );
}

#[test]
fn outputs_a_need_did_not_write_are_unset_on_github_as_elsewhere() {
    // GitHub's `env:` hands a dependent '' for an output its need never wrote; the generated
    // job also passes the list the need wrote, and cigen unsets the others.
    let spec = "version: 1\njobs:\n  build:\n    outputs: [image, notes]\n    steps: ['true']\n  use:\n    needs: [build]\n    steps:\n      - 'echo \"image=[${BUILD_IMAGE-unset}] notes=[${BUILD_NOTES-unset}] list=[${CIGEN_WRITTEN_BUILD-unset}]\"'\n";
    let seen = |env: &[(&str, &str)]| -> String {
        let mut t = Test::new().spec(spec).args(["run", "use", "--no-deps"]);
        for (k, v) in env {
            t = t.env(k, v);
        }
        let out = t.expect_code(0);
        out.stdout
            .lines()
            .find(|l| l.contains("image=[") && !l.contains("echo"))
            .map(|l| l[l.find("image=[").unwrap()..].to_string())
            .unwrap_or_else(|| panic!("{}", out.stdout))
    };
    let gh = [("BUILD_IMAGE", "img:7"), ("BUILD_NOTES", "")];
    assert_eq!(
        seen(&[gh[0], gh[1], ("CIGEN_WRITTEN_BUILD", "image")]),
        "image=[img:7] notes=[unset] list=[unset]"
    );
    // A skipped need: every output empty on GitHub, and an empty list.
    assert_eq!(
        seen(&[
            ("BUILD_IMAGE", ""),
            ("BUILD_NOTES", ""),
            ("CIGEN_WRITTEN_BUILD", "")
        ]),
        "image=[unset] notes=[unset] list=[unset]"
    );
    // An empty value that was written stays empty.
    assert_eq!(
        seen(&[gh[0], gh[1], ("CIGEN_WRITTEN_BUILD", "image notes")]),
        "image=[img:7] notes=[] list=[unset]"
    );
    // No list (a laptop, GitLab): the env is taken as it is.
    assert_eq!(seen(&gh), "image=[img:7] notes=[] list=[unset]");
}

#[test]
fn outputs_go_to_gitlab_dotenv_in_ci() {
    // `$` is doubled (GitLab expands dotenv values and reads `$$` as `$`).
    let spec = "version: 1\njobs:\n  build:\n    outputs: [image]\n    steps:\n      - echo 'image=img:$HOME' >> \"$CIGEN_OUTPUT\"\n";
    let t = Test::new()
        .spec(spec)
        .env("GITLAB_CI", "true")
        .args(["run", "build", "--no-deps"]);
    t.expect_code(0);
    assert_eq!(
        std::fs::read_to_string(t.path().join(".cigen/outputs.env")).unwrap(),
        "BUILD_IMAGE=img:$$HOME\n"
    );
    // A value the report would change is refused, naming the output and the job.
    let t = Test::new().spec(OUTPUTS).env("GITLAB_CI", "true").args([
        "run",
        "build",
        "--no-deps",
        "--log-format",
        "gitlab",
    ]);
    let out = t.expect_code(1);
    assert!(
        out.stdout.contains("output `notes` of job `build` cannot be carried by GitLab's dotenv report: it holds a line break"),
        "{}",
        out.stdout
    );
}

#[test]
fn human_repeats_failed_output_after_a_parallel_run() {
    let spec = "version: 1\njobs:\n  noisy:\n    steps: ['for i in 1 2 3; do echo noise $i; sleep 0.05; done']\n  bad:\n    steps: [{ name: fails, run: 'sleep 0.05; echo first clue; echo second clue; exit 2' }]\n";
    let out = Test::new()
        .spec(spec)
        .args(["run", "-j", "2", "--keep-going"])
        .expect_code(1);
    let tail: Vec<&str> = out
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("── bad › fails: exit 2"))
        .take(3)
        .collect();
    assert_eq!(
        tail,
        vec![
            "── bad › fails: exit 2 (last 2 line(s)) ──",
            "first clue",
            "second clue"
        ],
        "{}",
        out.stdout
    );
    // Sequential output is already in one place: nothing is repeated.
    let out = Test::new()
        .spec(spec)
        .args(["run", "-j", "1", "--keep-going"])
        .expect_code(1);
    assert!(!out.stdout.contains("── bad"), "{}", out.stdout);
}

#[test]
fn human_recap_leaves_out_steps_that_passed_on_retry() {
    // `flaky` fails once (no output) then passes; `bad` fails for good without output.
    let spec = "version: 1\njobs:\n  noisy:\n    steps: ['for i in 1 2 3; do echo noise $i; sleep 0.05; done']\n  retried:\n    steps: [{ name: flaky, run: 'test -f .once || { touch .once; exit 1; }', retry: { attempts: 2, delay: 10ms } }]\n  bad:\n    steps: [{ name: silent, run: 'sleep 0.05; exit 3' }]\n";
    let out = Test::new()
        .spec(spec)
        .args(["run", "-j", "3", "--keep-going"])
        .expect_code(1);
    assert!(
        out.stdout
            .contains("── bad › silent: exit 3 (no output) ──"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("── retried"), "{}", out.stdout);
}

/// The fields docs/run-events.md lists per event type (besides `type` and `time_ms`), and
/// whether the unit fields are optional (`notice`).
fn documented_events() -> std::collections::HashMap<String, (Vec<String>, bool)> {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/run-events.md"))
        .unwrap();
    let mut out = std::collections::HashMap::new();
    // The header row names no event.
    for row in doc
        .lines()
        .filter(|l| l.starts_with("| `") && !l.starts_with("| `type`"))
    {
        let cells: Vec<&str> = row.split(" | ").collect();
        let kind = cells[0]
            .trim_start_matches("| ")
            .trim_matches('`')
            .to_string();
        let text = cells[1..].join(" | ");
        // Values in parentheses (`passed`, `1`) are not fields.
        let mut plain = String::new();
        let mut depth = 0;
        for c in text.chars() {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ if depth == 0 => plain.push(c),
                _ => {}
            }
        }
        let mut fields: Vec<String> = plain
            .split('`')
            .skip(1)
            .step_by(2)
            .filter(|f| f.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
            .map(str::to_string)
            .collect();
        let optional = plain.contains("optional unit fields");
        if plain.contains("unit fields") {
            fields.extend(["unit", "job", "label"].map(String::from));
        }
        fields.sort();
        out.insert(kind, (fields, optional));
    }
    // `units`: the `unit_finished` fields … names an event type, not a field.
    let kinds: Vec<String> = out.keys().cloned().collect();
    for (fields, _) in out.values_mut() {
        fields.retain(|f| !kinds.contains(f));
    }
    out
}

#[test]
fn json_events_carry_exactly_the_documented_fields() {
    let doc = documented_events();
    assert_eq!(doc.len(), 10, "{doc:?}");
    let spec = r#"version: 1
jobs:
  a:
    services:
      db: { image: "postgres:17", ports: [5432] }
    outputs: [x]
    steps:
      - { name: skipped, run: "true", when: { ci: true } }
      - { name: say, run: 'echo hi; echo x=1 >> "$CIGEN_OUTPUT"' }
      - { name: flaky, run: "test -f .once || { touch .once; exit 1; }", retry: { attempts: 2, delay: 10ms } }
  b:
    needs: [a]
    steps: ["exit 3"]
"#;
    let out = Test::new()
        .spec(spec)
        .args(["run", "--log-format", "json", "--host-services", "-j", "1"])
        .expect_code(1);
    let mut seen = std::collections::BTreeSet::new();
    for line in out.stdout.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let kind = v["type"].as_str().unwrap().to_string();
        assert!(v["time_ms"].as_u64().is_some(), "{line}");
        let (want, optional) = doc
            .get(&kind)
            .unwrap_or_else(|| panic!("`{kind}` is not documented"));
        let mut got: Vec<String> = v
            .as_object()
            .unwrap()
            .keys()
            .filter(|k| *k != "type" && *k != "time_ms")
            .cloned()
            .collect();
        got.sort();
        let without_unit: Vec<String> = want
            .iter()
            .filter(|f| !["unit", "job", "label"].contains(&f.as_str()))
            .cloned()
            .collect();
        assert!(
            got == *want || (*optional && got == without_unit),
            "{kind}: {got:?} vs documented {want:?}"
        );
        if kind == "plan" {
            assert_eq!(v["version"], 1, "{line}");
        }
        seen.insert(kind);
    }
    // Every type but a notice without a unit (a signal's) appears in this run.
    assert_eq!(seen.len(), 10, "{seen:?}");
}
