//! `cigen pins list|update`: the action pins of the generated GitHub workflow, from the
//! repository's pin lock over cigen's own table (docs/pins.md).

use std::cmp::Ordering;
use std::path::Path;

use crate::cli::{GenerateArgs, PinsArgs, PinsCommand, Target};
use crate::compile::Loaded;
use crate::exit::Outcome;
use crate::generate::{self, pin_lock};
use crate::model::TargetKind;
use crate::pins::{self, compare_versions, lock, Pin, Source};
use crate::ui::ColorChoice;

pub fn run(loaded: &Loaded, spec: &Path, args: &PinsArgs, color: ColorChoice) -> Outcome {
    if loaded.pipeline.targets.github.is_none() {
        eprintln!("error: the spec generates no GitHub workflow, so it pins no actions");
        return Outcome::Usage;
    }
    match &args.command {
        PinsCommand::List => list(loaded),
        PinsCommand::Update { actions } => update(loaded, spec, actions, color),
    }
}

/// cigen's own pin for `action` when it is newer than `pin`.
fn newer_builtin(pin: &Pin) -> Option<Pin> {
    let b = Pin::from(pins::builtin_lookup(&pin.action)?);
    (compare_versions(&b.version, &pin.version) == Some(Ordering::Greater)).then_some(b)
}

/// Every pin the workflow uses, as `generate` would write it (bots' bumps adopted).
fn list(loaded: &Loaded) -> Outcome {
    let committed = loaded
        .pipeline
        .targets
        .github
        .as_ref()
        .and_then(|g| std::fs::read_to_string(loaded.pipeline.root.join(&g.path)).ok());
    let (p, adopted) = pin_lock::adopt_bumps(&loaded.pipeline, committed.as_deref());
    let backends = generate::selected(&p, &[TargetKind::Github]);
    let files = match generate::render(&p, &backends, &mut Default::default()) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return Outcome::Usage;
        }
    };
    let Some(table) = p.targets.github.as_ref().map(|g| &g.pins) else {
        return Outcome::Usage;
    };
    let used: Vec<Pin> = files
        .iter()
        .filter(|f| f.target == TargetKind::Github)
        .flat_map(|f| {
            f.text
                .lines()
                .filter_map(lock::pin_line)
                .collect::<Vec<_>>()
        })
        .collect();
    let width = used
        .iter()
        .map(|p| p.action.len())
        .max()
        .unwrap_or(6)
        .max(6);
    println!(
        "{:width$}  {:8}  {:12}  from",
        "action", "version", "commit"
    );
    let mut seen = Vec::new();
    for pin in used {
        if seen.contains(&pin.action) {
            continue;
        }
        seen.push(pin.action.clone());
        let from = if adopted.iter().any(|a| a.action == pin.action) {
            "the committed workflow (a bot's bump; `cigen generate` records it)".to_string()
        } else {
            match table.get(&pin.action).map(|(_, s)| s) {
                Some(Source::Lock) => format!("the pin lock ({})", lock::PATH),
                _ => "cigen".to_string(),
            }
        };
        let hint = newer_builtin(&pin)
            .map(|b| format!("; cigen has {}: cigen pins update", b.version))
            .unwrap_or_default();
        println!(
            "{:width$}  {:8}  {:12}  {from}{hint}",
            pin.action,
            pin.version,
            &pin.sha[..12]
        );
    }
    Outcome::Success
}

/// Moves locked pins to cigen's newer ones, writes the lock, then regenerates the workflow.
fn update(loaded: &Loaded, spec: &Path, only: &[String], color: ColorChoice) -> Outcome {
    let Some(g) = &loaded.pipeline.targets.github else {
        return Outcome::Usage;
    };
    let unknown: Vec<&String> = only
        .iter()
        .filter(|a| g.pins.locked.iter().all(|p| &p.action != *a))
        .collect();
    if !unknown.is_empty() {
        for a in unknown {
            eprintln!("error: the pin lock has no `{a}`");
        }
        return Outcome::Usage;
    }
    let mut table = g.pins.clone();
    let mut moved = 0;
    for pin in &g.pins.locked {
        if !only.is_empty() && !only.contains(&pin.action) {
            continue;
        }
        if let Some(b) = newer_builtin(pin) {
            eprintln!("{}: {} → {}", pin.action, pin.version, b.version);
            table.set(b);
            moved += 1;
        }
    }
    if moved == 0 {
        eprintln!("the locked pins are as new as cigen's own; nothing to update");
        return Outcome::Success;
    }
    // The lock is the input the workflow is rendered from: write it, load the spec again
    // (which reads it), and regenerate the GitHub target and the lock from there.
    let file = generate::OutputFile {
        target: TargetKind::Github,
        rel: lock::PATH.into(),
        path: loaded.pipeline.root.join(lock::PATH),
        text: lock::render(&generate::header(&loaded.pipeline.spec_file), &table.locked),
    };
    if let Err(e) = generate::write::write(&file) {
        eprintln!("error: cannot write {}: {e}", file.path.display());
        return Outcome::Failure;
    }
    let Some(reloaded) = crate::app::load(spec, color) else {
        return Outcome::Usage;
    };
    let args = GenerateArgs {
        check: false,
        force: false,
        targets: vec![Target::Github],
    };
    super::generate::run(&reloaded, &args, color, Default::default())
}
