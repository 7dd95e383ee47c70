//! Shell completion of job names and `--matrix` values, through the real protocol: bash sources
//! the script `cigen completions bash` prints and calls its completion function the way
//! readline does (COMP_WORDS/COMP_CWORD), which calls the cigen binary back; fish's protocol is
//! called directly to see the descriptions.

use std::path::Path;

use crate::test::{scrubbed, Test};

const SPEC: &str = "\
version: 1
jobs:
  lint:
    description: Lint the code
    steps: [echo lint]
  smoke:
    description: |

      Smoke tests
      against staging
    steps: [echo smoke]
  small:
    steps: [echo small]
  test:
    matrix: { python: ['3.12', '3.13'], os: [linux] }
    steps: [echo test]
  build:
    matrix: { target: [x86, arm] }
    steps: [echo build]
";

/// What bash offers for the command line `words`, completing the last word, in `dir`.
fn bash_complete(dir: &Path, words: &[&str]) -> Vec<String> {
    let script = Test::new()
        .in_dir(dir)
        .args(["completions", "bash"])
        .expect_code(0)
        .stdout;
    assert!(script.contains("complete "), "{script}");
    let quoted: Vec<String> = words
        .iter()
        .map(|w| format!("'{}'", w.replace('\'', r"'\''")))
        .collect();
    let driver = format!(
        "{script}\nCOMP_WORDS=({words})\nCOMP_CWORD={cword}\nCOMP_TYPE=9\n\
         _clap_complete_cigen cigen {cur} {prev}\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        words = quoted.join(" "),
        cword = words.len() - 1,
        cur = quoted[words.len() - 1],
        prev = quoted[words.len().saturating_sub(2)],
    );
    let out = scrubbed("bash")
        .args(["--norc", "--noprofile", "-c", &driver])
        .current_dir(dir)
        .output()
        .expect("bash");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.trim_end().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

#[test]
fn bash_completes_job_names_from_the_spec() {
    let t = Test::new().spec(SPEC);
    let dir = t.path().to_path_buf();
    assert_eq!(
        bash_complete(&dir, &["cigen", "run", "sm"]),
        ["smoke", "small"]
    );
    // A job already on the line is not offered twice.
    assert_eq!(
        bash_complete(&dir, &["cigen", "run", "smoke", "sm"]),
        ["small"]
    );
    // From a subdirectory, the spec is found in the nearest parent, as every command does.
    let sub = dir.join("src/deep");
    std::fs::create_dir_all(&sub).unwrap();
    assert_eq!(bash_complete(&sub, &["cigen", "run", "l"]), ["lint"]);
}

#[test]
fn bash_completes_matrix_values_of_the_named_jobs() {
    let t = Test::new().spec(SPEC);
    let dir = t.path().to_path_buf();
    assert_eq!(
        bash_complete(&dir, &["cigen", "run", "test", "--matrix", ""]),
        ["python=3.12", "os=linux", "python=3.13"]
    );
    assert_eq!(
        bash_complete(&dir, &["cigen", "run", "test", "--matrix", "py"]),
        ["python=3.12", "python=3.13"]
    );
    // No job named: every job's cells.
    assert_eq!(
        bash_complete(&dir, &["cigen", "run", "--matrix", "ta"]),
        ["target=x86", "target=arm"]
    );
}

#[test]
fn completion_reads_the_spec_named_by_f_and_survives_a_broken_spec() {
    let t = Test::new()
        .spec("version: 1\njobs:\n  here:\n    steps: [x]\n")
        .file(
            "ci/other.yaml",
            // An unknown need: `check` rejects it, completion still offers the names.
            "version: 1\njobs:\n  alpha:\n    needs: [nope]\n    steps: [x]\n  also:\n    steps: [x]\n",
        );
    let dir = t.path().to_path_buf();
    assert_eq!(
        bash_complete(&dir, &["cigen", "-f", "ci/other.yaml", "run", "a"]),
        ["alpha", "also"]
    );
    assert_eq!(
        bash_complete(
            &dir,
            &["cigen", "run", "--spec", "=", "ci/other.yaml", "al"]
        ),
        ["alpha", "also"]
    );
    assert_eq!(bash_complete(&dir, &["cigen", "run", "h"]), ["here"]);
}

#[test]
fn fish_shows_each_job_description() {
    let t = Test::new().spec(SPEC);
    let out = Test::new()
        .in_dir(t.path())
        .env("COMPLETE", "fish")
        .env("_CLAP_COMPLETE_INDEX", "2")
        .args(["--", "cigen", "run", "s"])
        .expect_code(0);
    assert_eq!(out.stdout, "smoke\tSmoke tests\nsmall\n");
    // Every shell clap_complete supports gets a registration script.
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let script = Test::new()
            .args(["completions", shell])
            .expect_code(0)
            .stdout;
        assert!(script.contains("COMPLETE"), "{shell}: {script}");
    }
}
