//! JSON lines reporter: one event per line on stdout, typed in `wire.rs`; the format is
//! documented in docs/run-events.md.

use std::time::Duration;

use super::wire::{self, Line, PlanUnit, ResultFields, RunStatus, UnitRef, UnitSummary, Wire};
use super::{step_name, unix_now, Out, Reporter};
use crate::run::events::{self, Event, UnitResult};
use crate::run::plan::Plan;

pub(crate) struct Json {
    out: Out,
}

impl Json {
    pub(crate) fn new() -> Self {
        Json { out: Out::new() }
    }

    #[cfg(test)]
    fn in_memory() -> Self {
        Json { out: Out::memory() }
    }

    fn emit(&mut self, event: Wire<'_>) {
        let line = Line {
            event,
            time_ms: unix_now().as_millis() as u64,
        };
        if let Ok(text) = serde_json::to_string(&line) {
            self.out.line(&text);
        }
    }

    /// The hot path: an `output` event per line of `text`. The typed event is serialized once
    /// per read with an empty line; each line then goes between its two halves, escaped as
    /// serde_json escapes any string, so the bytes are exactly the typed event's.
    fn output(&mut self, plan: &Plan, unit: usize, step: usize, text: &str) {
        let template = Line {
            event: Wire::Output {
                step,
                line: "",
                unit: UnitRef::of(plan, unit),
            },
            time_ms: unix_now().as_millis() as u64,
        };
        let Ok(t) = serde_json::to_string(&template) else {
            return;
        };
        // `"line":` with an unescaped quote can only be the key: inside string values every
        // quote is escaped.
        let Some(at) = t.find("\"line\":\"\"") else {
            return;
        };
        let (head, tail) = (&t[..at + 7], &t[at + 9..]);
        let lines = memchr::memchr_iter(b'\n', text.as_bytes()).count();
        self.out
            .fill(text.len() + lines * (head.len() + tail.len() + 3), |buf| {
                for line in events::lines(text) {
                    buf.extend_from_slice(head.as_bytes());
                    json_string(buf, line);
                    buf.extend_from_slice(tail.as_bytes());
                    buf.push(b'\n');
                }
            });
    }
}

/// Writes `s` as a JSON string, as serde_json does: most lines need no escape at all and are
/// copied whole; the rest go through serde_json.
fn json_string(buf: &mut Vec<u8>, s: &str) {
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        buf.push(b'"');
        buf.extend_from_slice(s.as_bytes());
        buf.push(b'"');
    } else {
        // Writing into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *buf, s);
    }
}

impl Reporter for Json {
    fn start(&mut self, plan: &Plan) {
        let units = plan
            .units
            .iter()
            .enumerate()
            .map(|(i, u)| PlanUnit::of(i, u))
            .collect();
        self.emit(Wire::Plan {
            version: wire::VERSION,
            units,
        });
    }

    fn event(&mut self, plan: &Plan, event: &Event) {
        let at = |u: &usize| UnitRef::of(plan, *u);
        let name;
        let wire = match event {
            Event::UnitStarted { unit } => Wire::UnitStarted { unit: at(unit) },
            Event::StepStarted {
                unit,
                step,
                name,
                attempt,
                attempts,
            } => Wire::StepStarted {
                step: *step,
                name,
                attempt: *attempt,
                attempts: *attempts,
                unit: at(unit),
            },
            Event::Output { unit, step, text } => return self.output(plan, *unit, *step, text),
            Event::StepFinished {
                unit,
                step,
                attempt,
                status,
                duration,
                message,
            } => {
                name = step_name(plan, *unit, *step);
                Wire::StepFinished {
                    step: *step,
                    name: &name,
                    attempt: *attempt,
                    status: *status,
                    duration_ms: duration.as_millis() as u64,
                    message: message.as_deref(),
                    unit: at(unit),
                }
            }
            Event::StepSkipped {
                unit,
                step,
                name,
                reason,
            } => Wire::StepSkipped {
                step: *step,
                name,
                reason,
                unit: at(unit),
            },
            Event::RetryScheduled {
                unit,
                step,
                next_attempt,
                delay,
            } => Wire::RetryScheduled {
                step: *step,
                next_attempt: *next_attempt,
                delay_ms: delay.as_millis() as u64,
                unit: at(unit),
            },
            Event::Notice { unit, text } => Wire::Notice {
                text,
                unit: unit.as_ref().map(at),
            },
            Event::UnitFinished { unit, result } => Wire::UnitFinished {
                unit: at(unit),
                result: ResultFields::of(result),
            },
        };
        self.emit(wire);
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
        let status = match (signal, ok) {
            (Some(_), _) => RunStatus::Interrupted,
            (None, true) => RunStatus::Passed,
            (None, false) => RunStatus::Failed,
        };
        let units = results
            .iter()
            .enumerate()
            .map(|(i, r)| UnitSummary {
                unit: UnitRef::of(plan, i),
                result: ResultFields::of(r),
            })
            .collect();
        self.emit(Wire::Finished {
            status,
            signal,
            duration_ms: elapsed.as_millis() as u64,
            units,
        });
        self.out.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_lines_are_the_typed_event_byte_for_byte() {
        let mut plan = Plan::default();
        plan.units.push(crate::run::plan::Unit {
            job: "j\"ob".into(),
            cell: crate::matrix::Cell {
                id: String::new(),
                values: Default::default(),
            },
            label: "a \"line\":\"\" label".into(),
            needs: vec![],
            verdict: crate::run::when::Verdict::Run(None),
            steps: vec!["s".into()],
            step_plan: vec![],
            toolchain: Ok(Default::default()),
            policy: Default::default(),
        });
        let text = "plain\n\"quoted\" \\ \t\u{1}\n\nünïcode\r\n";
        let mut fast = Json::in_memory();
        fast.output(&plan, 0, 0, text);
        let got = String::from_utf8(fast.out.take()).unwrap();
        let got: Vec<&str> = got.lines().collect();
        assert_eq!(got.len(), 4);
        for (g, line) in got.iter().zip(events::lines(text)) {
            let typed = serde_json::to_string(&Line {
                event: Wire::Output {
                    step: 0,
                    line,
                    unit: UnitRef::of(&plan, 0),
                },
                time_ms: 0,
            })
            .unwrap();
            let g = g.rsplit_once("\"time_ms\":").unwrap().0;
            assert_eq!(g, typed.rsplit_once("\"time_ms\":").unwrap().0);
        }
    }
}
