//! JSON lines reporter: one event per line on stdout; schema in docs/run-events.md.

use std::time::Duration;

use serde_json::{json, Value};

use super::{step_name, unix_now, Out, Reporter};
use crate::run::events::{Event, UnitResult};
use crate::run::plan::Plan;
use crate::run::when::Verdict;

pub(crate) struct Json {
    out: Out,
}

impl Json {
    pub(crate) fn new() -> Self {
        Json { out: Out::new() }
    }

    fn emit(&mut self, mut v: Value) {
        if let Value::Object(m) = &mut v {
            m.insert("time_ms".into(), json!(unix_now().as_millis() as u64));
        }
        self.out.line(&v.to_string());
    }
}

/// An `output` event, in the same key order as every other event.
#[derive(serde::Serialize)]
struct OutputLine<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    step: usize,
    line: &'a str,
    unit: usize,
    job: &'a str,
    label: &'a str,
    time_ms: u64,
}

fn unit_fields(plan: &Plan, unit: usize) -> Value {
    let u = &plan.units[unit];
    json!({ "unit": unit, "job": u.job, "label": u.label })
}

fn merge(mut a: Value, b: Value) -> Value {
    if let (Value::Object(a), Value::Object(b)) = (&mut a, b) {
        a.extend(b);
    }
    a
}

fn result_json(r: &UnitResult) -> Value {
    json!({
        "status": r.status,
        "duration_ms": r.duration.as_millis() as u64,
        "attempts": r.attempts,
        "reason": r.reason,
        "outputs": r.outputs.keys().collect::<Vec<_>>(),
    })
}

impl Reporter for Json {
    fn start(&mut self, plan: &Plan) {
        let units: Vec<Value> = plan
            .units
            .iter()
            .enumerate()
            .map(|(i, u)| {
                let (run, reason) = match &u.verdict {
                    Verdict::Run(r) => (true, r.clone()),
                    Verdict::Skip(r) => (false, Some(r.clone())),
                };
                json!({ "unit": i, "job": u.job, "label": u.label, "matrix": u.cell.values, "needs": u.needs, "run": run, "reason": reason, "steps": u.steps })
            })
            .collect();
        self.emit(json!({ "type": "plan", "units": units }));
    }

    fn event(&mut self, plan: &Plan, event: &Event) {
        let v = match event {
            Event::UnitStarted { unit } => {
                merge(json!({ "type": "unit_started" }), unit_fields(plan, *unit))
            }
            Event::StepStarted {
                unit,
                step,
                name,
                attempt,
                attempts,
            } => merge(
                json!({ "type": "step_started", "step": step, "name": name, "attempt": attempt, "attempts": attempts }),
                unit_fields(plan, *unit),
            ),
            Event::Output { unit, step, line } => {
                // The hot path (one event per line of output): no intermediate JSON tree.
                let u = &plan.units[*unit];
                let ev = OutputLine {
                    kind: "output",
                    step: *step,
                    line,
                    unit: *unit,
                    job: &u.job,
                    label: &u.label,
                    time_ms: unix_now().as_millis() as u64,
                };
                if let Ok(text) = serde_json::to_string(&ev) {
                    self.out.line(&text);
                }
                return;
            }
            Event::StepFinished {
                unit,
                step,
                attempt,
                status,
                duration,
                message,
            } => merge(
                json!({ "type": "step_finished", "step": step, "name": step_name(plan, *unit, *step), "attempt": attempt, "status": status, "duration_ms": duration.as_millis() as u64, "message": message }),
                unit_fields(plan, *unit),
            ),
            Event::StepSkipped {
                unit,
                step,
                name,
                reason,
            } => merge(
                json!({ "type": "step_skipped", "step": step, "name": name, "reason": reason }),
                unit_fields(plan, *unit),
            ),
            Event::RetryScheduled {
                unit,
                step,
                next_attempt,
                delay,
            } => merge(
                json!({ "type": "retry_scheduled", "step": step, "next_attempt": next_attempt, "delay_ms": delay.as_millis() as u64 }),
                unit_fields(plan, *unit),
            ),
            Event::Notice { unit, text } => match unit {
                Some(u) => merge(
                    json!({ "type": "notice", "text": text }),
                    unit_fields(plan, *u),
                ),
                None => json!({ "type": "notice", "text": text }),
            },
            Event::UnitFinished { unit, result } => merge(
                merge(json!({ "type": "unit_finished" }), unit_fields(plan, *unit)),
                result_json(result),
            ),
        };
        self.emit(v);
    }

    fn flush(&mut self) {
        self.out.flush();
    }

    fn finish(
        &mut self,
        plan: &Plan,
        results: &[UnitResult],
        elapsed: Duration,
        signal: Option<i32>,
    ) {
        let ok = signal.is_none() && results.iter().all(|r| r.status.satisfies_needs());
        let units: Vec<Value> = results
            .iter()
            .enumerate()
            .map(|(i, r)| merge(unit_fields(plan, i), result_json(r)))
            .collect();
        self.emit(json!({
            "type": "finished",
            "status": if signal.is_some() { "interrupted" } else if ok { "passed" } else { "failed" },
            "signal": signal,
            "duration_ms": elapsed.as_millis() as u64,
            "units": units,
        }));
        self.out.flush();
    }
}
