//! `cigen import`: write `cigen.yaml` from the project's GitHub Actions / GitLab CI files and
//! print the migration report. Never overwrites an existing spec.

use std::path::{Path, PathBuf};

use crate::cli::{ImportArgs, ImportSource, ReportFormat};
use crate::exit::Outcome;
use crate::import::{self, Kind, Sources};

/// Where a new spec goes, and the project directory it describes: `-f PATH`, else
/// `cigen.yaml` in the working directory. An existing spec is an error unless the spec is
/// only printed (`--stdout`): `init` and `import` never overwrite one.
pub(crate) fn new_spec(
    explicit: Option<&Path>,
    stdout: bool,
) -> Result<(PathBuf, PathBuf), String> {
    let path = match explicit {
        Some(p) => p.to_path_buf(),
        None => std::env::current_dir()
            .map(|d| d.join(crate::contract::SPEC_FILE_NAME))
            .map_err(|e| format!("cannot read the working directory: {e}"))?,
    };
    if !stdout && path.exists() {
        return Err(format!(
            "{} exists; cigen never overwrites a spec (move it aside, or use --stdout)",
            path.display()
        ));
    }
    let root = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    Ok((path, root))
}

/// Writes a new spec without ever replacing one: the file is created exclusively.
pub(crate) fn write_new(path: &Path, text: &str) -> Result<(), String> {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => format!(
                "{} exists; cigen never overwrites a spec (move it aside, or use --stdout)",
                path.display()
            ),
            _ => format!("cannot create {}: {e}", path.display()),
        })?;
    f.write_all(text.as_bytes())
        .and_then(|_| f.sync_all())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

pub fn run(spec: Option<&Path>, args: &ImportArgs) -> Outcome {
    let (path, root) = match new_spec(spec, args.stdout) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return Outcome::Usage;
        }
    };
    let root = root.as_path();
    let sources = Sources {
        github: args.from.is_empty() || args.from.contains(&ImportSource::Github),
        gitlab: args.from.is_empty() || args.from.contains(&ImportSource::Gitlab),
    };
    let imported = match import::import(root, &path, sources) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("error: {e}");
            return if e.message.starts_with("cigen bug") {
                Outcome::Failure
            } else {
                Outcome::Usage
            };
        }
    };
    if args.stdout {
        print!("{}", imported.text);
    } else if let Err(e) = write_new(&path, &imported.text) {
        eprintln!("error: {e}");
        return Outcome::Usage;
    }
    let r = &imported.report;
    match args.report {
        ReportFormat::Json => match serde_json::to_string_pretty(r) {
            Ok(j) => println!("{j}"),
            Err(e) => {
                eprintln!("error: cannot write the report as JSON: {e}");
                return Outcome::Failure;
            }
        },
        ReportFormat::Human => {
            eprint!("{}", imported.warnings);
            eprint!("{}", r.render());
        }
    }
    if !args.stdout {
        eprintln!(
            "wrote {} from {} ({} lost, {} to do, {} notes)",
            path.display(),
            r.sources.join(", "),
            r.count(Kind::Lost),
            r.count(Kind::Todo),
            r.count(Kind::Note)
        );
    }
    for n in &imported.next_steps {
        eprintln!("next: {n}");
    }
    Outcome::Success
}
