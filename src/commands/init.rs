//! `cigen init`: detect the project and write a first `cigen.yaml`. Never overwrites a spec.

use std::path::Path;

use crate::cli::InitArgs;
use crate::exit::Outcome;

pub fn run(spec: Option<&Path>, args: &InitArgs) -> Outcome {
    let (path, root) = match super::import::new_spec(spec, args.stdout) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return Outcome::Usage;
        }
    };
    let root = root.as_path();
    let made = match crate::init::init(root, &path) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: {e}");
            return Outcome::Usage;
        }
    };
    if args.stdout {
        print!("{}", made.text);
    } else if let Err(e) = super::import::write_new(&path, &made.text) {
        eprintln!("error: {e}");
        return Outcome::Usage;
    } else {
        eprintln!("wrote {} for {}", path.display(), made.summary);
    }
    for n in &made.notes {
        eprintln!("note: {n}");
    }
    eprintln!("next: run `cigen run` to try every job here, then `cigen generate` for CI");
    Outcome::Success
}
