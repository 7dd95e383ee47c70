//! `cigen generate`: compile the pipeline into committed outputs (or check them).

use anstyle::{AnsiColor, Style};

use crate::cli::GenerateArgs;
use crate::compile::Loaded;
use crate::exit::Outcome;
use crate::generate::prefetch::Prefetch;
use crate::generate::record::State;
use crate::generate::{self, drift, pin_lock, write};
use crate::model::TargetKind;
use crate::ui::ColorChoice;

/// A unified diff with removed lines red, added lines green and hunk headers cyan.
fn paint_diff(diff: &str, color: bool) -> String {
    if !color {
        return diff.to_string();
    }
    let paint = |style: Style, line: &str| {
        let (text, newline) = line.strip_suffix('\n').map_or((line, ""), |t| (t, "\n"));
        format!("{}{text}{}{newline}", style.render(), style.render_reset())
    };
    diff.split_inclusive('\n')
        .map(|line| match line.as_bytes().first() {
            Some(b'-') if !line.starts_with("---") => paint(AnsiColor::Red.on_default(), line),
            Some(b'+') if !line.starts_with("+++") => paint(AnsiColor::Green.on_default(), line),
            Some(b'@') => paint(AnsiColor::Cyan.on_default(), line),
            _ => line.to_string(),
        })
        .collect()
}

/// The command that regenerates the same targets, for messages.
fn fix_command(args: &GenerateArgs) -> String {
    let mut cmd = String::from("cigen generate");
    for t in &args.targets {
        if let Some(v) = clap::ValueEnum::to_possible_value(t) {
            cmd.push_str(" --target ");
            cmd.push_str(v.get_name());
        }
    }
    cmd
}

/// The `--target` selection as the record keys it.
fn target_names(args: &GenerateArgs) -> Vec<String> {
    args.targets
        .iter()
        .filter_map(|t| clap::ValueEnum::to_possible_value(t).map(|v| v.get_name().to_string()))
        .collect()
}

/// `generate --check` without compiling, when the record of the last verified state still
/// holds (see `generate::record`): `None` when it does not, and the full check must run.
pub fn check_recorded(spec_path: &std::path::Path, args: &GenerateArgs) -> Option<Outcome> {
    // Only a spec in a regular file can be read twice: a pipe (`-f <(...)`) read here would
    // be empty when the spec is loaded.
    if !std::fs::metadata(spec_path).ok()?.is_file() {
        return None;
    }
    let bytes = crate::compile::read_spec(spec_path).ok()?;
    let text = std::str::from_utf8(&bytes).ok()?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let state = State::still_holds(spec_path, text, &target_names(args))?;
    eprintln!("{} output(s) up to date", state.outputs());
    Some(Outcome::Success)
}

/// The state this run verified or wrote, for the record: `None` when the spec had warnings
/// (they must show on every check) or the state cannot be recorded.
fn state(loaded: &Loaded, args: &GenerateArgs, files: &[generate::OutputFile]) -> Option<State> {
    if !loaded.warnings.is_empty() {
        return None;
    }
    let outputs: Vec<String> = files.iter().map(|f| f.rel.clone()).collect();
    State::read(
        loaded.source.path(),
        loaded.source.text(),
        &target_names(args),
        &outputs,
        &generate::read_inputs(&loaded.pipeline),
    )
}

/// `prefetch`: the committed outputs being read since before the spec was loaded.
pub(crate) fn run(
    loaded: &Loaded,
    args: &GenerateArgs,
    color: ColorChoice,
    mut prefetch: Prefetch,
) -> Outcome {
    let targets = generate::selected(&loaded.pipeline, &args.kinds());
    if targets.is_empty() {
        eprintln!("error: no output selected: the spec's `targets` does not enable the requested target(s)");
        return Outcome::Usage;
    }
    let github = targets.iter().any(|b| b.kind() == TargetKind::Github);
    // A bot's bump of the committed workflow is kept, not reverted (docs/pins.md).
    let committed = loaded
        .pipeline
        .targets
        .github
        .as_ref()
        .filter(|_| github)
        .and_then(|g| {
            prefetch.text(TargetKind::Github, &g.path).or_else(|| {
                let text = std::fs::read_to_string(loaded.pipeline.root.join(&g.path));
                text.ok().map(std::sync::Arc::new)
            })
        });
    let committed = committed.as_deref().map(String::as_str);
    let (pipeline, adopted) = pin_lock::adopt_bumps(&loaded.pipeline, committed);
    let p = &pipeline;
    let mut files = match generate::render(p, &targets, &mut prefetch) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return Outcome::Usage;
        }
    };
    files.extend(pin_lock::lock_file(p, &files));
    for pin in &adopted {
        eprintln!(
            "note: keeping {}@{} ({}) from the committed workflow, newer than the pin lock had",
            pin.action,
            &pin.sha[..12],
            pin.version
        );
    }
    if args.check {
        // Hashed before and after comparing: a file changed meanwhile is never recorded as
        // verified.
        let before = state(loaded, args, &files);
        let drifts = drift::check(&files);
        if drifts.is_empty() {
            if let Some(s) = before.filter(|s| state(loaded, args, &files).as_ref() == Some(s)) {
                s.save(loaded.source.path());
            }
            eprintln!("{} output(s) up to date", files.len());
            return Outcome::Success;
        }
        State::forget(loaded.source.path());
        let color = crate::ui::use_color(color, &std::io::stdout());
        for d in &drifts {
            print!("{}", paint_diff(&d.diff, color));
        }
        for d in &drifts {
            eprintln!(
                "{}: {}",
                d.rel,
                if d.missing { "missing" } else { "out of date" }
            );
        }
        eprintln!(
            "error: generated outputs are stale; run `{}` and commit the result",
            fix_command(args)
        );
        return Outcome::Failure;
    }
    // A hand-written file is never replaced without --force; every other output is still
    // written, so one refusal does not hold back the rest (e.g. after `cigen import`).
    let mut refused = Vec::new();
    for f in &files {
        if let Some(r) = write::refusal(&f.path, args.force) {
            refused.push((f, r));
            continue;
        }
        match write::write(f) {
            Ok(write::Written::Created) => eprintln!("created   {}", f.rel),
            Ok(write::Written::Updated) => eprintln!("updated   {}", f.rel),
            Ok(write::Written::Unchanged) => eprintln!("unchanged {}", f.rel),
            Err(e) => {
                eprintln!("error: cannot write {}: {e}", f.path.display());
                return Outcome::Failure;
            }
        }
    }
    let (warnings, notes) = generate::advice(p, &targets);
    for w in warnings {
        eprintln!("warning: {w}");
    }
    for n in notes {
        eprintln!("note: {n}");
    }
    for n in generate::install_notices(p, &targets) {
        match n.once_key() {
            None => eprintln!("warning: {}", n.text()),
            Some(key) if crate::state_dir::first_time(&p.root, &key) => {
                eprintln!("note: {}", n.text())
            }
            Some(_) => {}
        }
    }
    if refused.is_empty() {
        if let Some(s) = state(loaded, args, &files) {
            s.save(loaded.source.path());
        }
        return Outcome::Success;
    }
    State::forget(loaded.source.path());
    for (f, r) in &refused {
        let target = match f.target {
            TargetKind::Github => "github",
            TargetKind::Gitlab => "gitlab",
            TargetKind::Just => "just",
            TargetKind::Forgejo => "forgejo",
        };
        eprintln!("error: not written: {r}");
        eprintln!(
            "help: replace it with `cigen generate --force --target {target}`, or write the output elsewhere with `targets.{target}.path` in the spec"
        );
    }
    Outcome::Usage
}
