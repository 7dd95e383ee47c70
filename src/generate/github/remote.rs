//! Remote actions the spec names itself: setup steps before `cigen run` and post steps after
//! it (`targets.github.setup` / `.post`), each pinned from the lock or cigen's table unless the
//! spec pinned it, and post steps guarded by their typed condition.

use indexmap::IndexMap;

use super::context::{Entry, Step, Value};
use crate::generate::GenerateError;
use crate::model::{Job, WorkflowOutput};
use crate::spec::{PostCondition, Scalar};

/// One action step: `uses` pinned, inputs verbatim (they may hold `${{ secrets.X }}`,
/// `${{ vars.X }}` and `${{ matrix.AXIS }}`, the only expressions rule `unsafe-expression` lets through). `place` names the spec key for errors.
pub(super) fn action(
    t: &WorkflowOutput,
    place: &str,
    job: &str,
    index: usize,
    name: Option<&str>,
    action: &str,
    with: &IndexMap<String, Scalar>,
) -> Result<Step, GenerateError> {
    let with: Vec<Entry> = with
        .iter()
        .map(|(k, v)| Entry {
            key: k.clone(),
            value: Value::Text(v.0.clone()),
            expr: true,
        })
        .collect();
    let (uses, comment) = match action.split_once('@') {
        Some(_) => (action.to_string(), "pinned in the spec".to_string()),
        None => match t.pins.get(action) {
            Some((pin, _)) => (format!("{}@{}", pin.action, pin.sha), pin.version),
            None => {
                return Err(GenerateError::user(format!(
                    "targets.github.{place}.{job}[{index}]: cigen has no pin for `{action}`; pin it yourself as `{action}@<40-hex commit sha>`"
                )))
            }
        },
    };
    Ok(Step {
        name: name
            .map(str::to_string)
            .unwrap_or_else(|| action.split('@').next().unwrap_or(action).to_string()),
        id: None,
        condition: None,
        uses: Some(uses),
        pin_comment: Some(comment),
        with,
        env: vec![],
        run: None,
        shell: None,
        continue_on_error: None,
    })
}

/// GitHub's step condition for a post step; `None` is GitHub's own default, `success()`.
pub(crate) fn condition(c: PostCondition) -> Option<&'static str> {
    match c {
        PostCondition::Success => None,
        PostCondition::Failure => Some("failure()"),
        PostCondition::Always => Some("always()"),
        PostCondition::NotCancelled => Some("!cancelled()"),
    }
}

/// The post steps of `targets.github.post.<job>`, in spec order.
pub(super) fn post(t: &WorkflowOutput, j: &Job) -> Result<Vec<Step>, GenerateError> {
    let mut out = Vec::new();
    for (i, p) in t.post.get(&j.name).into_iter().flatten().enumerate() {
        let mut step = action(t, "post", &j.name, i, p.name.as_deref(), &p.uses, &p.with)?;
        step.condition = condition(p.condition.unwrap_or_default()).map(str::to_string);
        out.push(step);
    }
    Ok(out)
}
