//! Per-cell runners (issue 9, item 2): `runs-on.matrix` + `runs-on.cells` give each OS cell its
//! GitHub labels and GitLab tags, `cigen run` skips a cell meant for another OS (also when the
//! cell is picked with `--matrix` or `--cell`), and `${{ }}` in a runner label is a located
//! error that names the typed keys.

use serde_yaml::Value;

use crate::features::{check, generated, outcomes};
use crate::test::Test;

/// A Python library's OS matrix: three OS cells × two Pythons, macOS on self-hosted labels.
pub(crate) const SPEC: &str = r#"
    version: 1
    jobs:
      test:
        fail_fast: false
        matrix:
          os: [linux, windows, mac]
          python: ["3.12", "3.13"]
        runs-on:
          matrix: os
          cells:
            linux: { github: ubuntu-24.04, gitlab: saas-linux-small-amd64 }
            windows: { github: windows-2022, gitlab: saas-windows-medium-amd64 }
            mac: { os: macos, github: [self-hosted, macOS], gitlab: saas-macos-medium-m1 }
        steps: ['echo "cell $MATRIX_OS $MATRIX_PYTHON"']
      after:
        needs: [test]
        steps: [echo after]
    targets:
      github: {}
      gitlab: { install: present }
      just: {}
    "#;

fn host_os() -> &'static str {
    match std::env::consts::OS {
        "macos" => "mac",
        os => os,
    }
}

#[test]
fn locally_only_the_cells_of_this_os_run() {
    let out = Test::new()
        .spec(SPEC)
        .args(["run", "-j", "1", "--log-format", "json"])
        .status(0)
        .assert();
    let got = outcomes(&out.stdout);
    let here = host_os();
    for os in ["linux", "windows", "mac"] {
        for py in ["3.12", "3.13"] {
            let label = format!("test ({os}, {py})");
            let line = got
                .iter()
                .find(|l| l.starts_with(&format!("{label}:")))
                .unwrap_or_else(|| panic!("no {label} in {got:?}"));
            if os == here {
                assert_eq!(line, &format!("{label}: passed"));
            } else {
                let os_name = if os == "mac" { "macos" } else { os };
                assert_eq!(
                    line,
                    &format!(
                        "{label}: skipped (cell for {os_name} runners (runs-on.cells); this machine runs {})",
                        std::env::consts::OS
                    )
                );
            }
        }
    }
    assert!(got.contains(&"after: passed".to_string()), "{got:?}");
}

#[test]
fn a_picked_cell_of_another_os_is_skipped_and_says_why() {
    let other = if host_os() == "windows" {
        "linux"
    } else {
        "windows"
    };
    let out = Test::new()
        .spec(SPEC)
        .args(["run", "test", "--matrix", &format!("os={other}")])
        .args(["--matrix", "python=3.12", "--log-format", "json"])
        .status(0)
        .assert();
    assert_eq!(
        outcomes(&out.stdout),
        [format!(
            "test ({other}, 3.12): skipped (cell for {other} runners (runs-on.cells); this machine runs {})",
            std::env::consts::OS
        )]
    );
    // What the GitHub run step passes: the cell's values plus its runner labels.
    let cell = format!(
        r#"{{"os":"{}","python":"3.13","cigen-runs-on":"x"}}"#,
        host_os()
    );
    let out = Test::new()
        .spec(SPEC)
        .args([
            "run",
            "test",
            "--no-deps",
            "--cell",
            &cell,
            "--log-format",
            "json",
        ])
        .status(0)
        .assert();
    assert_eq!(
        outcomes(&out.stdout),
        [format!("test ({}, 3.13): passed", host_os())]
    );
}

fn job<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc.get("jobs")
        .and_then(|j| j.get(name))
        .or_else(|| doc.get(name))
        .unwrap_or_else(|| panic!("no job `{name}` in\n{doc:?}"))
}

#[test]
fn each_cell_gets_its_runner_on_github_and_gitlab() {
    let (github, gitlab, justfile) = generated(SPEC);
    let test = job(&github, "test");
    assert_eq!(
        test["runs-on"].as_str(),
        Some("${{ fromJSON(matrix.cigen-runs-on) }}")
    );
    let include = test["strategy"]["matrix"]["include"]
        .as_sequence()
        .expect("include");
    let runners: Vec<(&str, &str)> = include
        .iter()
        .map(|c| {
            (
                c["os"].as_str().unwrap_or_default(),
                c["cigen-runs-on"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        runners,
        [
            ("linux", r#"["ubuntu-24.04"]"#),
            ("linux", r#"["ubuntu-24.04"]"#),
            ("windows", r#"["windows-2022"]"#),
            ("windows", r#"["windows-2022"]"#),
            ("mac", r#"["self-hosted","macOS"]"#),
            ("mac", r#"["self-hosted","macOS"]"#),
        ]
    );
    // Jobs without per-cell runners keep their plain label.
    assert_eq!(
        job(&github, "after")["runs-on"].as_str(),
        Some("ubuntu-24.04")
    );

    let test = job(&gitlab, "test");
    assert_eq!(
        test["tags"].as_sequence().expect("tags"),
        &[Value::from("${CIGEN_RUNNER_TAG_1}")]
    );
    let tags: Vec<(&str, &str)> = test["parallel"]["matrix"]
        .as_sequence()
        .expect("parallel matrix")
        .iter()
        .map(|c| {
            (
                c["MATRIX_OS"].as_str().unwrap_or_default(),
                c["CIGEN_RUNNER_TAG_1"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        tags,
        [
            ("linux", "saas-linux-small-amd64"),
            ("linux", "saas-linux-small-amd64"),
            ("windows", "saas-windows-medium-amd64"),
            ("windows", "saas-windows-medium-amd64"),
            ("mac", "saas-macos-medium-m1"),
            ("mac", "saas-macos-medium-m1"),
        ]
    );
    assert!(justfile.contains("cigen run test"), "{justfile}");
}

#[test]
fn one_label_per_cell_is_written_as_it_is() {
    let spec = r#"
        version: 1
        jobs:
          test:
            matrix: { os: [linux, macos] }
            runs-on:
              matrix: os
              cells: { linux: {}, macos: { github: macos-14 } }
            steps: [echo]
        targets: { github: { runs-on: ubuntu-24.04-arm } }
        "#;
    let (github, _, _) = generated(spec);
    let test = job(&github, "test");
    assert_eq!(
        test["runs-on"].as_str(),
        Some("${{ matrix.cigen-runs-on }}")
    );
    let labels: Vec<&str> = test["strategy"]["matrix"]["include"]
        .as_sequence()
        .expect("include")
        .iter()
        .map(|c| c["cigen-runs-on"].as_str().unwrap_or_default())
        .collect();
    // A cell without its own labels runs where the job does (here the target's default).
    assert_eq!(labels, ["ubuntu-24.04-arm", "macos-14"]);
}

#[test]
fn an_expression_in_a_runner_label_is_a_located_error_naming_the_typed_keys() {
    let spec = "version: 1\njobs:\n  test:\n    matrix: { os: [ubuntu-latest, windows-latest] }\n    runs-on: { github: \"${{ matrix.os }}\" }\n    steps: [echo]\n";
    let (code, stderr) = check(spec);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("error[runs-on-expression]"), "{stderr}");
    assert!(stderr.contains("cigen.yaml:5:24"), "{stderr}");
    assert!(stderr.contains("runs-on: { matrix: os, cells:"), "{stderr}");
    // GitLab tags, which GitLab never evaluates either.
    let spec = "version: 1\njobs:\n  test:\n    runs-on: { gitlab: [\"${{ matrix.os }}\"] }\n    steps: [echo]\n";
    let (code, stderr) = check(spec);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("error[runs-on-expression]") && stderr.contains("cigen.yaml:4:25"),
        "{stderr}"
    );
    // The target default too.
    let spec = "version: 1\njobs:\n  a:\n    steps: [echo]\ntargets:\n  github:\n    runs-on: [\"${{ vars.RUNNER }}\"]\n";
    let (code, stderr) = check(spec);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("error[runs-on-expression]") && stderr.contains("cigen.yaml:7:15"),
        "{stderr}"
    );
}

#[test]
fn runner_cells_must_fit_the_matrix() {
    let cases: &[(&str, &str)] = &[
        (
            "    matrix: { os: [linux, windows] }\n    runs-on: { matrix: oss, cells: { linux: {}, windows: {} } }\n",
            "has no matrix axis `oss`",
        ),
        (
            "    matrix: { os: [linux, windows] }\n    runs-on: { matrix: os, cells: { linux: {} } }\n",
            "has no runner for `windows`",
        ),
        (
            "    matrix: { os: [linux] }\n    runs-on: { matrix: os, cells: { linux: {}, windos: {} } }\n",
            "no cell of job `test` has `os: windos`",
        ),
        (
            "    matrix: { os: [linux, bsd] }\n    runs-on: { matrix: os, cells: { linux: {}, bsd: {} } }\n",
            "the cells with `os: bsd` name no operating system",
        ),
        (
            "    matrix: { os: [linux, windows] }\n    runs-on: { matrix: os, cells: { linux: { gitlab: [a, b] }, windows: { gitlab: c } } }\n",
            "have 2 GitLab tags and those with `windows` 1",
        ),
        (
            "    runs-on: { cells: { linux: {} } }\n",
            "names no matrix axis",
        ),
        (
            "    runs-on: { matrix: os, cells: { linux: {} } }\n",
            "has no matrix, so no axis `os`",
        ),
    ];
    for (job, message) in cases {
        let spec = format!("version: 1\njobs:\n  test:\n{job}    steps: [echo]\n");
        let (code, stderr) = check(&spec);
        assert_eq!(code, 2, "{spec}\n{stderr}");
        assert!(
            stderr.contains("error[runner-cells]") && stderr.contains(message),
            "{spec}\nwanted {message:?} in\n{stderr}"
        );
    }
}

#[test]
fn on_gitlab_only_linux_cells_get_the_docker_image() {
    let spec = r#"
        version: 1
        jobs:
          test:
            matrix: { os: [linux, windows, macos], python: ["3.12", "3.13"] }
            runs-on:
              matrix: os
              cells:
                linux: { gitlab: saas-linux-small-amd64 }
                windows: { gitlab: saas-windows-medium-amd64 }
                macos: { gitlab: saas-macos-medium-m1, image: macos-15-xcode-16 }
            steps: [echo]
        targets: { gitlab: { install: present } }
        "#;
    let (_, gitlab, _) = generated(spec);
    let test = job(&gitlab, "test");
    assert_eq!(test["image"].as_str(), Some("$CIGEN_IMAGE"));
    let images: Vec<&str> = test["parallel"]["matrix"]
        .as_sequence()
        .expect("parallel matrix")
        .iter()
        .map(|c| c["CIGEN_IMAGE"].as_str().unwrap_or("?"))
        .collect();
    assert_eq!(
        images,
        [
            "python:3.12-slim",
            "python:3.13-slim",
            "",
            "",
            "macos-15-xcode-16",
            "macos-15-xcode-16"
        ]
    );
    // Without any image to give, no `image:` at all.
    let (_, gitlab, _) = generated(
        &spec
            .replace(", python: [\"3.12\", \"3.13\"]", "")
            .replace(", image: macos-15-xcode-16", ""),
    );
    assert_eq!(job(&gitlab, "test").get("image"), None);
}
