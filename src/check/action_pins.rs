//! Rule: every remote setup or post action the spec names without a commit (`uses: owner/repo`) has a
//! pin, in the repository's pin lock or in cigen's table, and the lock itself reads: the
//! GitHub back end pins from exactly these, so what passes here generates.

use super::Context;
use crate::diagnostic::{Code, Diagnostic};
use crate::pins::lock;
use crate::source::YamlPath;

pub(crate) const UNKNOWN_ACTION_PIN: Code = Code::new("unknown-action-pin");
pub(crate) const INVALID_PIN_LOCK: Code = Code::new("invalid-pin-lock");

/// The codes this rule reports.
pub(super) const CODES: &[Code] = &[UNKNOWN_ACTION_PIN, INVALID_PIN_LOCK];

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    // No `targets:` means every default target, GitHub included (with no setup steps).
    let workflows = cx
        .spec
        .targets
        .as_ref()
        .map(|t| t.workflows())
        .unwrap_or_default();
    let enabled = cx
        .spec
        .targets
        .as_ref()
        .is_none_or(|t| t.github.is_some() || t.forgejo.is_some());
    if !enabled {
        return;
    }
    let table = match lock::load(cx.root) {
        Ok(t) => t,
        Err(why) => {
            let at = match workflows.first() {
                Some((key, _)) => YamlPath::root().key("targets").key(*key),
                None => YamlPath::root(),
            };
            out.push(
                Diagnostic::error(INVALID_PIN_LOCK, format!("the pin lock does not read: {why}"))
                    .at_key(at)
                    .with_label("its pins are used here")
                    .with_help(format!(
                        "fix the line, or delete {} and run `cigen generate` to write it anew from cigen's pins",
                        lock::PATH
                    )),
            );
            return;
        }
    };
    for (at, step) in super::remote_steps(cx.spec) {
        // A malformed name is `invalid-action`'s (target_jobs); one error per mistake.
        let Some(action) = step
            .uses
            .filter(|u| !u.contains('@') && super::target_jobs::check_uses(u).is_ok())
        else {
            continue;
        };
        if table.get(action).is_none() {
            out.push(
                Diagnostic::error(
                    UNKNOWN_ACTION_PIN,
                    format!("cigen has no pin for `{action}`"),
                )
                .at(at.key("uses"))
                .with_label("no commit to pin")
                .with_help(format!(
                    "pin it yourself: `uses: {action}@<40-hex commit sha>` (the commit of the release you checked), or add it to {} (docs/pins.md)",
                    lock::PATH
                )),
            );
        }
    }
}
