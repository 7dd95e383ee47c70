//! `cigen generate`: compile the pipeline into committed outputs (or check them).

use crate::cli::{ColorChoice, GenerateArgs};
use crate::exit::Outcome;
use crate::model::Loaded;

pub fn run(_loaded: &Loaded, _args: &GenerateArgs, _color: ColorChoice) -> Outcome {
    eprintln!("error: `cigen generate` is being built (issue 3)");
    Outcome::Usage
}
