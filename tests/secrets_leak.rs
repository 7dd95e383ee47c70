//! Leak probes: every form of a secret that CI scripts really print, in every log format, with
//! one unit at a time and in parallel. After each run every artefact is searched — stdout and
//! stderr (raw, and as a log viewer shows them), JSON strings, JUnit, the GitHub step summary,
//! `$GITHUB_OUTPUT`, the GitLab dotenv report and every other file the run left — for any
//! 10-byte piece of what the probe's command prints when run on its own.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::test::Test;

/// Secrets, by env name. `TOK` has spaces, quotes, a backslash and non-ASCII, so each escaping
/// differs from the value.
const SECRETS: &[(&str, &str)] = &[
    ("TOK", "tok3n/Päss wörd+=~'q\"\\z!"),
    (
        "LONG",
        "correct-horse-battery-staple/0123456789/abcdefghijklmnopqrstuvwxyz",
    ),
    ("EDGE", "  edge secret value  "),
    ("OVA", "overlap-AAAA-1234"),
    ("OVB", "1234-BBBB-overlap"),
    ("MULTI", "multi-line-one\nmulti-line-two\nmulti-line-three"),
    ("OTHER", "other-jobs-secret-9d8c"),
];

/// How a probe's forbidden text is found.
enum Shown {
    /// What the command prints on its own.
    Printed,
    /// This secret's value (the command prints too much to repeat, or the pieces only meet on
    /// screen).
    Value(&'static str),
}

/// `(job, command, forbidden text)`: each probe is a job, so parallel runs interleave them.
const PROBES: &[(&str, &str, Shown)] = &[
    ("plain", r#"echo "token=$TOK""#, Shown::Printed),
    (
        "split_writes",
        r#"printf %s "${TOK:0:7}"; sleep 0.05; printf '%s\n' "${TOK:7}""#,
        Shown::Value("TOK"),
    ),
    (
        "forced_flush",
        // 1 MiB + 16 KiB - 6 bytes, then the secret: it straddles where a line longer than
        // 1 MiB is cut (the pipe is read in 16 KiB pieces).
        r#"head -c 1064954 /dev/zero | tr '\0' x; printf '%s\n' "$TOK""#,
        Shown::Value("TOK"),
    ),
    (
        "base64",
        r#"printf %s "$TOK" | base64 -w0; echo"#,
        Shown::Printed,
    ),
    ("base64_echo", r#"echo "$TOK" | base64"#, Shown::Printed),
    (
        "base64_offset0",
        r#"printf 'us:%s' "$TOK" | base64 -w0; echo"#,
        Shown::Printed,
    ),
    (
        "base64_offset1",
        r#"printf 'usr:%s' "$TOK" | base64 -w0; echo"#,
        Shown::Printed,
    ),
    (
        "base64_offset2",
        r#"printf 'user:%s' "$TOK" | base64 -w0; echo"#,
        Shown::Printed,
    ),
    (
        "base64_wrapped",
        r#"printf 'user:%s' "$LONG" | base64"#,
        Shown::Printed,
    ),
    (
        "url_rfc3986",
        r#"perl -e 'print join("", map { /[A-Za-z0-9\-._~]/ ? $_ : sprintf("%%%02X", ord) } split //, $ARGV[0]), "\n"' "$TOK""#,
        Shown::Printed,
    ),
    (
        "url_plus",
        r#"perl -e 'print join("", map { $_ eq " " ? "+" : /[A-Za-z0-9\-._~]/ ? $_ : sprintf("%%%02X", ord) } split //, $ARGV[0]), "\n"' "$TOK""#,
        Shown::Printed,
    ),
    (
        "hex_lower",
        r#"printf %s "$TOK" | od -An -tx1 -v | tr -d ' \n'; echo"#,
        Shown::Printed,
    ),
    (
        "hex_upper",
        r#"printf %s "$TOK" | od -An -tx1 -v | tr -d ' \n' | tr a-f A-F; echo"#,
        Shown::Printed,
    ),
    ("set_x", r#"set -x; : "$TOK""#, Shown::Printed),
    ("printf_q", r#"printf '%q\n' "$TOK""#, Shown::Printed),
    (
        "printf_q_c_locale",
        r#"LC_ALL=C printf '%q\n' "$TOK""#,
        Shown::Printed,
    ),
    (
        "json",
        r#"perl -MJSON::PP -e 'print JSON::PP->new->allow_nonref->encode($ARGV[0]), "\n"' "$TOK""#,
        Shown::Printed,
    ),
    (
        "json_ascii",
        r#"perl -MJSON::PP -MEncode -e 'print JSON::PP->new->ascii->allow_nonref->encode(decode_utf8($ARGV[0])), "\n"' "$TOK""#,
        Shown::Printed,
    ),
    ("blank_edges", r#"echo $EDGE"#, Shown::Printed),
    (
        "overlapping",
        r#"printf '%s%s\n' "$OVA" "${OVB#1234}""#,
        Shown::Printed,
    ),
    (
        "ansi_inside",
        r#"printf '%s\033[1m%s\033[0m\n' "${TOK:0:6}" "${TOK:6}""#,
        Shown::Value("TOK"),
    ),
    ("multi_line", r#"printf '%s\n' "$MULTI""#, Shown::Printed),
];

/// The job that owns `OTHER`, the job that must not see it, and the job whose output holds a
/// secret (refused on every provider).
const EXTRA_JOBS: &str = r#"  owner:
    secrets: [OTHER]
    steps: ['test -n "$OTHER"']
  peek:
    steps: ['env | sort']
  leaky_output:
    outputs: [tok]
    steps: ['echo "tok=$TOK" >> "$CIGEN_OUTPUT"']
  canary:
    outputs: [version]
    steps: ['echo "version=canary-1.2.3" >> "$CIGEN_OUTPUT"; echo canary-visible-7q']
"#;

/// A run's extra probes beyond [`PROBES`]: `OTHER` never reaches `peek`, and the output is
/// refused.
const EXTRA_PROBES: usize = 2;

fn spec() -> String {
    let mut s = String::from("version: 1\nsecrets: [TOK, LONG, EDGE, OVA, OVB, MULTI]\njobs:\n");
    for (job, cmd, _) in PROBES {
        s.push_str(&format!(
            "  {job}:\n    steps:\n      - {}\n",
            yaml_quote(cmd)
        ));
    }
    s.push_str(EXTRA_JOBS);
    s
}

fn yaml_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn value(name: &str) -> &'static str {
    SECRETS.iter().find(|(n, _)| *n == name).expect("secret").1
}

/// What the probe's command prints on its own (stdout and stderr), as `bash` runs steps.
fn printed(cmd: &str) -> String {
    let out = Command::new("bash")
        .args(["-eo", "pipefail", "-c", cmd])
        .envs(SECRETS.iter().copied())
        .output()
        .expect("bash");
    assert!(out.status.success(), "{cmd}: {out:?}");
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    text
}

/// Every 10-byte piece of each line of `text` (a whole line when shorter).
fn pieces(text: &str) -> Vec<String> {
    const W: usize = 10;
    let mut out = Vec::new();
    for line in text.lines() {
        let b = line.as_bytes();
        if b.len() <= W {
            if !line.trim().is_empty() {
                out.push(line.to_string());
            }
            continue;
        }
        for i in 0..=b.len() - W {
            if let Ok(s) = std::str::from_utf8(&b[i..i + W]) {
                out.push(s.to_string());
            }
        }
    }
    out
}

/// Text as a log viewer or report reader sees it: terminal colours removed (also the `[1m`
/// JUnit keeps once it drops the ESC), XML and dotenv escapes undone.
fn views(text: &str) -> Vec<String> {
    let sgr = regex::Regex::new(r"\x1b?\[[0-9;]*m").unwrap();
    let plain = sgr.replace_all(text, "").into_owned();
    let xml = plain
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&");
    let dotenv = plain.replace("$$", "$");
    vec![text.to_string(), plain, xml, dotenv]
}

/// Every string inside the JSON lines of `text`.
fn json_strings(text: &str) -> String {
    fn walk(v: &serde_json::Value, out: &mut String) {
        match v {
            serde_json::Value::String(s) => {
                out.push_str(s);
                out.push('\n');
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            serde_json::Value::Object(o) => o.values().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    let mut out = String::new();
    for line in text.lines() {
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(line) {
            walk(&v, &mut out);
        }
    }
    out
}

fn files_under(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            files_under(&p, out);
        } else if p.file_name().is_some_and(|n| n != "cigen.yaml") {
            if let Ok(bytes) = std::fs::read(&p) {
                out.push((p, String::from_utf8_lossy(&bytes).into_owned()));
            }
        }
    }
}

/// One run's artefacts, each named, in every view.
struct Artefacts(Vec<(String, String)>);

impl Artefacts {
    /// For each pattern that occurs somewhere, where it first does: one pass per artefact.
    fn search(&self, patterns: &[String]) -> Vec<Option<String>> {
        let ac = aho_corasick::AhoCorasick::new(patterns).expect("patterns");
        let mut found: Vec<Option<String>> = vec![None; patterns.len()];
        for (name, text) in &self.0 {
            for m in ac.find_overlapping_iter(text) {
                let slot = &mut found[m.pattern().as_usize()];
                if slot.is_none() {
                    *slot = Some(name.clone());
                }
            }
        }
        found
    }
}

#[test]
fn no_form_of_a_secret_leaks_in_any_format_or_artefact() {
    let forbidden: Vec<(&str, Vec<String>)> = PROBES
        .iter()
        .map(|(job, cmd, shown)| {
            let text = match shown {
                Shown::Printed => printed(cmd),
                Shown::Value(name) => value(name).to_string(),
            };
            let p = pieces(&text);
            assert!(!p.is_empty(), "{job}: prints nothing");
            (*job, p)
        })
        .collect();
    let other = pieces(value("OTHER"));
    let spec = spec();
    let mut probes = 0;
    let mut leaks: Vec<String> = Vec::new();
    for format in ["human", "github", "gitlab", "json"] {
        for jobs in ["1", "4"] {
            let outside = tempfile::tempdir().unwrap();
            let gh_output = outside.path().join("github_output");
            let summary = outside.path().join("step_summary.md");
            let mut t = Test::new().spec(&spec);
            for (k, v) in SECRETS {
                t = t.env(k, v);
            }
            match format {
                "github" => {
                    t = t
                        .env("GITHUB_ACTIONS", "true")
                        .env("GITHUB_OUTPUT", gh_output.to_str().unwrap())
                        .env("GITHUB_STEP_SUMMARY", summary.to_str().unwrap());
                }
                "gitlab" => t = t.env("GITLAB_CI", "true"),
                _ => {}
            }
            let t = t.args(["run", "--keep-going", "-j", jobs, "--log-format", format]);
            let out = t.expect_code(1);
            let run = format!("{format} -j {jobs}");
            // The runner consumes `::add-mask::` lines; they are never shown.
            let stdout: String = out
                .stdout
                .lines()
                .filter(|l| !l.starts_with("::add-mask::"))
                .map(|l| format!("{l}\n"))
                .collect();
            let mut named: Vec<(String, String)> = vec![
                ("stdout".into(), stdout.clone()),
                ("stderr".into(), out.stderr.clone()),
                ("JSON strings".into(), json_strings(&stdout)),
            ];
            let mut files = Vec::new();
            files_under(t.path(), &mut files);
            files_under(outside.path(), &mut files);
            for (p, text) in files {
                named.push((p.file_name().unwrap().to_string_lossy().into_owned(), text));
            }
            let all = Artefacts(
                named
                    .iter()
                    .flat_map(|(n, text)| views(text).into_iter().map(move |v| (n.clone(), v)))
                    .collect(),
            );
            // Every piece of every probe, searched at once.
            let mut patterns: Vec<String> = Vec::new();
            let mut owner: Vec<&str> = Vec::new();
            for (job, pieces) in forbidden
                .iter()
                .chain(std::iter::once(&("peek", other.clone())))
            {
                for p in pieces {
                    patterns.push(p.clone());
                    owner.push(job);
                }
            }
            let found = all.search(&patterns);
            for (job, _) in &forbidden {
                probes += 1;
                let hit = (0..patterns.len()).find(|&i| owner[i] == *job && found[i].is_some());
                if let Some(i) = hit {
                    let place = found[i].as_deref().unwrap_or_default();
                    leaks.push(format!("{run}: {job}: `{}` in {place}", patterns[i]));
                }
            }
            // Another job's secret is not passed to `peek`, nor shown anywhere.
            probes += 1;
            let shown = (0..patterns.len()).any(|i| owner[i] == "peek" && found[i].is_some());
            if stdout.contains("OTHER=") || shown {
                leaks.push(format!("{run}: peek sees OTHER"));
            }
            // The output holding a secret is refused by name, on every provider.
            probes += 1;
            let refusal = "output `tok` of job `leaky_output` contains a secret";
            if !all.0.iter().any(|(_, text)| text.contains(refusal)) {
                leaks.push(format!("{run}: leaky_output's output was not refused"));
            }
            // The search finds what is not secret: the artefacts are really read.
            assert!(
                all.search(&["canary-visible-7q".to_string()])[0].is_some(),
                "{run}: {stdout}"
            );
            match format {
                "github" => {
                    assert!(std::fs::read_to_string(&gh_output)
                        .unwrap()
                        .contains("canary-1.2.3"));
                    assert!(std::fs::read_to_string(&summary)
                        .unwrap()
                        .contains("leaky_output"));
                }
                "gitlab" => {
                    let dotenv = t.path().join(".cigen/outputs.env");
                    assert_eq!(
                        std::fs::read_to_string(dotenv).unwrap(),
                        "CANARY_VERSION=canary-1.2.3\n"
                    );
                    let junit = std::fs::read_to_string(t.path().join(".cigen/junit.xml")).unwrap();
                    assert!(junit.contains("canary-visible-7q"), "{junit}");
                }
                _ => {}
            }
            assert!(
                stdout.matches("***").count() >= PROBES.len(),
                "{run}: fewer masks than probes:\n{stdout}"
            );
        }
    }
    assert_eq!(probes, 8 * (PROBES.len() + EXTRA_PROBES));
    assert!(probes >= 40);
    assert!(
        leaks.is_empty(),
        "{} leak(s) in {probes} probes:\n{}",
        leaks.len(),
        leaks.join("\n")
    );
}

#[test]
fn a_run_of_one_job_masks_every_secret_of_the_spec() {
    // `--no-deps` runs `peek` alone; another job's secret is still masked if a file carries
    // it, and the job is not given it.
    let spec = "version: 1\njobs:\n  owner:\n    secrets: [OTHER]\n    steps: ['true']\n  peek:\n    steps: ['cat left-behind.txt; env | grep -c ^OTHER= || true']\n";
    let out = Test::new()
        .spec(spec)
        .file("left-behind.txt", &format!("left: {}\n", value("OTHER")))
        .env("OTHER", value("OTHER"))
        .args(["run", "peek", "--no-deps"])
        .expect_code(0);
    assert!(out.stdout.contains("left: ***"), "{}", out.stdout);
    assert!(out.stdout.contains("peek │ 0"), "{}", out.stdout);
    assert!(!out.stdout.contains(value("OTHER")));
    // Not passed from an env_file either.
    let spec = spec.replace("version: 1\n", "version: 1\nenv_file: .env\n");
    let out = Test::new()
        .spec(&spec)
        .file("left-behind.txt", "nothing\n")
        .file(".env", &format!("OTHER={}\n", value("OTHER")))
        .args(["run", "peek", "--no-deps"])
        .expect_code(0);
    assert!(out.stdout.contains("peek │ 0"), "{}", out.stdout);
}

#[test]
fn a_dotenv_error_never_shows_the_line() {
    let secret = "ghp_pastedWithoutAKey0123456789";
    for text in [
        format!("A=1\n{secret}\n"),
        format!("TOKEN {secret}\n"),
        format!("K=\"{secret}\" trailing\n"),
    ] {
        let out = Test::new()
            .spec("version: 1\nenv_file: .env\njobs:\n  a:\n    steps: ['true']\n")
            .file(".env", &text)
            .args(["run"])
            .expect_code(2);
        assert!(out.stderr.contains(".env: line"), "{}", out.stderr);
        assert!(!out.stderr.contains("ghp_"), "{}", out.stderr);
    }
}
