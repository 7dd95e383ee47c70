//! The pin lock as a generated output: before rendering, bumps a bot made to the committed
//! workflow are adopted into the pins in effect (`pins::adopt`); after rendering, the lock is
//! written with exactly the pins the workflow uses, so the two files always agree and a
//! bot's pull request that bumps both passes `generate --check`.

use std::borrow::Cow;

use super::{header, OutputFile, MARKER_PREFIX};
use crate::model::{Pipeline, TargetKind};
use crate::pins::{adopt, lock, Pin};

/// `p` with the newer pins of `committed` (the GitHub workflow as it is on disk) adopted, and
/// the pins adopted. Without a GitHub target, or nothing newer, `p` as it is.
pub(crate) fn adopt_bumps<'p>(
    p: &'p Pipeline,
    committed: Option<&str>,
) -> (Cow<'p, Pipeline>, Vec<Pin>) {
    let Some((g, text)) = p.targets.github.as_ref().zip(committed) else {
        return (Cow::Borrowed(p), Vec::new());
    };
    // Only a file cigen generated: a hand-written workflow is not ours to read pins from.
    if !text.starts_with(MARKER_PREFIX) {
        return (Cow::Borrowed(p), Vec::new());
    }
    let bumps = adopt::bumps(text, &g.pins);
    if bumps.is_empty() {
        // Copying the pipeline of a big spec costs as much as building it.
        return (Cow::Borrowed(p), bumps);
    }
    let mut p = p.clone();
    if let Some(g) = p.targets.github.as_mut() {
        for b in &bumps {
            g.pins.set(b.clone());
        }
    }
    (Cow::Owned(p), bumps)
}

/// The lock file for the rendered outputs: the pins of the GitHub workflow among `files`.
pub(crate) fn lock_file(p: &Pipeline, files: &[OutputFile]) -> Option<OutputFile> {
    let workflow = files.iter().find(|f| f.target == TargetKind::Github)?;
    let pins = lock::pins_in(&workflow.text);
    Some(OutputFile {
        target: TargetKind::Github,
        rel: lock::PATH.to_string(),
        path: p.root.join(lock::PATH),
        text: lock::render(&header(&p.spec_file), &pins),
    })
}
