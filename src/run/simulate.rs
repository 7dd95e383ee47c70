//! `--event`, `--branch`, `--tag`: decide every `when` as a CI run for that event would, so a
//! tag-only or pull-request-only job can be tried on a laptop without faking provider variables.

use super::changes::Changes;
use super::context::{event_name, RunContext};
use crate::cli::{EventArg, RunArgs};
use crate::spec::Event;

/// The event the command line asks for (`--tag` is a tag push).
pub(crate) fn event(args: &RunArgs) -> Option<Event> {
    if args.tag.is_some() {
        return Some(Event::Tag);
    }
    Some(match args.event? {
        EventArg::Push => Event::Push,
        EventArg::PullRequest => Event::PullRequest,
        EventArg::Tag => Event::Tag,
        EventArg::Schedule => Event::Schedule,
        EventArg::Manual => Event::Manual,
    })
}

/// Checks the combination: a tag run has no branch, and `--tag` is a tag event.
pub(crate) fn validate(args: &RunArgs) -> Result<(), String> {
    match (args.event, &args.tag, &args.branch) {
        (Some(e), Some(_), _) if e != EventArg::Tag => {
            Err("--tag is a tag push: use it with --event tag or alone".into())
        }
        (Some(EventArg::Tag), _, Some(_)) => Err(
            "--branch with --event tag: a tag run has no branch (name the tag with --tag)".into(),
        ),
        _ => Ok(()),
    }
}

/// Overrides what the provider said with what the command line asks for.
pub(crate) fn apply(ctx: &mut RunContext, args: &RunArgs) {
    if let Some(e) = event(args) {
        ctx.event = Some(e);
        if e == Event::Tag {
            ctx.branch = None;
        }
    }
    if let Some(b) = &args.branch {
        ctx.branch = Some(b.clone());
    }
}

/// With `--event` and no `--base`: tag, schedule and manual runs have no base commit in CI
/// (cigen runs `changed:` jobs there to be safe), so a simulated one has none either.
pub(crate) fn changes_without_base(args: &RunArgs) -> Option<Changes> {
    if args.base.is_some() {
        return None;
    }
    match event(args)? {
        e @ (Event::Tag | Event::Schedule | Event::Manual) => Some(Changes::Unknown {
            reason: format!("a {} run has no base commit to compare with", event_name(e)),
        }),
        Event::Push | Event::PullRequest => None,
    }
}
