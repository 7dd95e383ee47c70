//! The adversarial round trip: values that change meaning in YAML 1.1/1.2, shells, GitHub,
//! GitLab or just come back byte-identical from a YAML 1.1 reader (PyYAML), two YAML 1.2
//! readers (ruamel.yaml, serde_yaml) and from `cigen run`.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::nasty::{desc_job, env_name, sh_quote, spec, NASTY};
use super::tool::{judges_python, Complaints, Judge};
use crate::test::Test;

/// One YAML reader's view of files, as JSON documents (one per file).
/// Reads generated files and returns each as a YAML value.
type ReadFn = Box<dyn Fn(&[PathBuf]) -> Result<Vec<Value>, String>>;

pub struct Reader {
    pub name: &'static str,
    read: ReadFn,
}

impl Reader {
    pub fn read(&self, files: &[PathBuf]) -> Result<Vec<Value>, String> {
        (self.read)(files)
    }

    pub fn read_one(&self, file: &Path) -> Result<Value, String> {
        Ok(self.read(&[file.to_path_buf()])?.remove(0))
    }
}

/// PyYAML (YAML 1.1), ruamel.yaml (YAML 1.2) and serde_yaml (YAML 1.2).
pub fn readers(python: &Judge) -> Vec<Reader> {
    let script = crate::test::repo_root().join("tests/judges/yaml_readers.py");
    let py = |version: &'static str| {
        let python = python.clone();
        let script = script.clone();
        Box::new(move |files: &[PathBuf]| {
            let mut cmd = python.command();
            cmd.arg(&script).arg(version).args(files);
            let v = super::tool::Verdict::of("python", cmd);
            if !v.ok() {
                return Err(v.report());
            }
            serde_json::from_str(&v.stdout).map_err(|e| format!("{e}: {}", v.stdout))
        }) as Box<dyn Fn(&[PathBuf]) -> Result<Vec<Value>, String>>
    };
    vec![
        Reader {
            name: "PyYAML safe_load (YAML 1.1)",
            read: py("yaml1.1"),
        },
        Reader {
            name: "ruamel.yaml typ=safe pure (YAML 1.2)",
            read: py("yaml1.2"),
        },
        Reader {
            name: "serde_yaml (YAML 1.2)",
            read: Box::new(|files: &[PathBuf]| {
                files
                    .iter()
                    .map(|file| {
                        let text = std::fs::read_to_string(file).map_err(|e| e.to_string())?;
                        serde_yaml::from_str::<Value>(&text)
                            .map_err(|e| format!("{}: {e}", file.display()))
                    })
                    .collect()
            }),
        },
    ]
}

/// Compares one value a reader found with the expected string, recording a complaint that
/// names the reader, the place and both values (escaped, so invisible characters show).
pub fn expect_string(
    c: &mut Complaints,
    reader: &str,
    place: &str,
    got: Option<&Value>,
    want: &str,
) {
    match got {
        Some(Value::String(s)) if s == want => {}
        other => c.add(format!(
            "{reader}: {place}: expected the string {want:?}, read {other:?}"
        )),
    }
}

#[test]
fn the_adversarial_spec_itself_reads_back_in_every_reader() {
    let Some(python) = judges_python() else {
        return;
    };
    let t = Test::new().spec(&spec(""));
    let file = t.path().join("cigen.yaml");
    let mut c = Complaints::default();
    for r in readers(&python) {
        let doc = match r.read_one(&file) {
            Ok(doc) => doc,
            Err(e) => {
                c.add(format!("{}: {e}", r.name));
                continue;
            }
        };
        for (i, (name, value)) in NASTY.iter().enumerate() {
            let var = env_name(name);
            expect_string(
                &mut c,
                r.name,
                &format!("env.{var}"),
                doc.pointer(&format!("/env/{var}")),
                &value.replace('$', "$$"),
            );
            let job = desc_job(name);
            expect_string(
                &mut c,
                r.name,
                &format!("jobs.{job}.description"),
                doc.pointer(&format!("/jobs/{job}/description")),
                value,
            );
            let cmd = format!("printf '%s' {} > out/cmd/{name}", sh_quote(value));
            expect_string(
                &mut c,
                r.name,
                &format!("jobs.cmds.steps[{}]", i + 1),
                doc.pointer(&format!("/jobs/cmds/steps/{}", i + 1)),
                &cmd,
            );
        }
    }
    c.finish("the adversarial spec");
}

#[test]
fn cigen_run_carries_env_values_and_commands_byte_identical() {
    let t = Test::new()
        .spec(&spec(""))
        .args(["run", "envs", "cmds", "--log-format", "human"]);
    let out = t.run();
    assert_eq!(
        out.code, 0,
        "cigen run failed\n--- stdout\n{}\n--- stderr\n{}",
        out.stdout, out.stderr
    );
    let mut c = Complaints::default();
    for (name, value) in NASTY {
        for kind in ["env", "cmd"] {
            let file = t.path().join("out").join(kind).join(name);
            match std::fs::read(&file) {
                Ok(bytes) if bytes == value.as_bytes() => {}
                Ok(bytes) => c.add(format!(
                    "cigen run, {kind} {name}: expected {value:?}, got {:?}",
                    String::from_utf8_lossy(&bytes)
                )),
                Err(e) => c.add(format!("cigen run, {kind} {name}: {e}")),
            }
        }
    }
    c.finish("cigen run round trip");
}
