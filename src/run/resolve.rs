//! Reads secrets from their local sources (1Password, Vault, sops, a command) on a laptop,
//! once, before any job starts. A value is never printed or written: it lives in memory, goes
//! to the jobs that declare it and into the masker. Errors name the secret and the source.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};

use indexmap::IndexMap;

use crate::model::Pipeline;
use crate::spec::LocalSource;

/// How many lines of a failed source's error output are shown.
const ERROR_LINES: usize = 5;

/// Reads `names` from their sources; every failure is reported, each with its secret's name.
/// `env` is the environment the source commands run in (they need the user's session: 1Password
/// and Vault sign-ins, sops keys).
pub(crate) fn resolve(
    p: &Pipeline,
    names: &[String],
    env: &HashMap<String, String>,
) -> Result<IndexMap<String, String>, String> {
    let mut values = IndexMap::new();
    let mut errors: Vec<String> = Vec::new();
    for name in names {
        let Some(source) = p.secret_sources.get(name) else {
            continue;
        };
        match read(source, &p.root, env) {
            Ok(v) => {
                values.insert(name.clone(), v);
            }
            Err(e) => errors.push(format!("  {name}: {e}")),
        }
    }
    if errors.is_empty() {
        Ok(values)
    } else {
        Err(format!(
            "cannot read secrets from their local sources (set them in the environment or the \
             env_file instead):\n{}",
            errors.join("\n")
        ))
    }
}

/// The command that prints a source's value, and how to name it in messages.
fn command(source: &LocalSource, root: &Path) -> Option<(Command, String)> {
    let (mut cmd, shown) = if let Some(r) = &source.op {
        let mut c = Command::new("op");
        c.args(["read", r]);
        (c, format!("`op read {r}`"))
    } else if let Some(v) = &source.vault {
        let mut c = Command::new("vault");
        c.args(["kv", "get", &format!("-field={}", v.field), &v.path]);
        (c, format!("`vault kv get -field={} {}`", v.field, v.path))
    } else if let Some(s) = &source.sops {
        let mut c = Command::new("sops");
        c.args(["--decrypt", "--extract", &s.extract(), &s.file]);
        (
            c,
            format!("`sops --decrypt --extract '{}' {}`", s.extract(), s.file),
        )
    } else {
        let text = source.command.as_ref()?;
        let mut c = Command::new("bash");
        c.args(["-c", text]);
        (c, format!("command `{text}`"))
    };
    cmd.current_dir(root);
    Some((cmd, shown))
}

/// Runs one source. The user can answer a sign-in prompt (stdin is inherited); its output is
/// the value, less one trailing newline (`op read` and most commands end with one).
fn read(
    source: &LocalSource,
    root: &Path,
    env: &HashMap<String, String>,
) -> Result<String, String> {
    let (mut cmd, shown) = command(source, root).ok_or("no source given")?;
    cmd.env_clear()
        .envs(env)
        .stdin(Stdio::inherit())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            let program = cmd.get_program().to_string_lossy().into_owned();
            format!("{shown}: `{program}` is not installed (not found on PATH)")
        } else {
            format!("{shown}: cannot start: {e}")
        }
    })?;
    // Read stderr on a thread so a chatty source cannot fill its pipe and stall.
    let mut err_pipe = child.stderr.take();
    let errs = std::thread::spawn(move || {
        let mut s = String::new();
        if let Some(p) = err_pipe.as_mut() {
            let _ = p.read_to_string(&mut s);
        }
        s
    });
    let mut out = Vec::new();
    if let Some(mut o) = child.stdout.take() {
        let _ = o.read_to_end(&mut out);
    }
    let status = child.wait().map_err(|e| format!("{shown}: {e}"))?;
    let stderr = errs.join().unwrap_or_default();
    if !status.success() {
        return Err(format!("{shown} failed ({status}){}", tail(&stderr)));
    }
    let mut value =
        String::from_utf8(out).map_err(|_| format!("{shown} printed a value that is not UTF-8"))?;
    if value.ends_with('\n') {
        value.pop();
        if value.ends_with('\r') {
            value.pop();
        }
    }
    if value.is_empty() {
        return Err(format!("{shown} printed nothing"));
    }
    Ok(value)
}

/// The last lines of a failed source's error output, indented under its line.
fn tail(stderr: &str) -> String {
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    let from = lines.len().saturating_sub(ERROR_LINES);
    lines[from..]
        .iter()
        .map(|l| format!("\n      {l}"))
        .collect()
}
