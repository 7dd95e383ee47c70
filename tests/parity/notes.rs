//! What `cigen run` finds after a unit's steps — its coverage figure and missing reports —
//! read back from each runner's log as `PMARK` lines, so the suite compares them like step
//! markers: from the note of cigen's summary table, from act's copy of the step summary when
//! act lost the table, and gitlab-ci-local's own reading of the `coverage:` regex.

use super::logs::{after_name, MARK, STATUSES};

/// The coverage figure and missing reports in the note of a summary-table row, as the
/// markers [`from_json`] makes of the same unit's `unit_finished` event.
pub(super) fn table_notes(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(rest) = line.split("coverage ").nth(1) {
        let figure: String = rest
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        if rest[figure.len()..].starts_with('%') && !figure.is_empty() {
            out.push(format!("{MARK} coverage {figure}%"));
        }
    }
    if let Some(rest) = line.split("missing reports: ").nth(1) {
        for r in rest.trim_end().split(", ") {
            out.push(format!("{MARK} missing report {r}"));
        }
    }
    out
}

/// A step-summary row of `label` (`| label | ❌ failed | 32ms | 1 | note |`): its status and
/// the markers of its note.
pub(super) fn summary_row(line: &str, label: &str) -> Option<(String, Vec<String>)> {
    let cells: Vec<&str> = line
        .trim()
        .strip_prefix('|')?
        .strip_suffix('|')?
        .split(" | ")
        .map(str::trim)
        .collect();
    if cells.len() != 5 || cells[0] != label {
        return None;
    }
    let status = cells[1].rsplit(' ').next()?;
    STATUSES
        .contains(&status)
        .then(|| (status.to_string(), table_notes(cells[4])))
}

/// gitlab-ci-local's summary line of a passed job with a coverage figure
/// (` PASS  test: [1] 81.5% coverage`, a duration before the name with `--timestamps`): the
/// unit's label and the figure.
pub(super) fn glci_coverage(names: &[(String, String)], line: &str) -> Option<(String, f64)> {
    let rest = line.trim_start().strip_prefix("PASS")?;
    let head = rest.strip_suffix("% coverage")?.trim_end();
    let (before, figure) = head.rsplit_once(' ')?;
    let figure: f64 = figure.parse().ok()?;
    // The name, maybe after a duration: try it at each word.
    let before = before.trim();
    let starts = std::iter::once(0).chain(
        before
            .char_indices()
            .filter(|(_, c)| *c == ' ')
            .map(|(i, _)| i),
    );
    let label = starts.into_iter().find_map(|i| {
        let tail = before[i..].trim_start();
        names
            .iter()
            .find(|(n, _)| after_name(tail, n).is_some_and(|r| r.trim().is_empty()))
            .map(|(_, label)| label.clone())
    })?;
    Some((label, figure))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parity::logs::tests::unit;
    use crate::parity::logs::{from_act, from_glci, from_json};

    #[test]
    fn coverage_and_missing_reports_become_markers_in_both_forms() {
        let units = [unit("t", &[])];
        let json = r#"{"type":"unit_finished","label":"t","status":"passed","coverage":81.5,"missing_reports":["a.xml","b/*.xml"]}"#;
        let want = vec![
            "PMARK coverage 81.5%",
            "PMARK missing report a.xml",
            "PMARK missing report b/*.xml",
        ];
        assert_eq!(
            from_json(&units, json).get("t").map(|o| o.markers.clone()),
            Some(want.iter().map(|s| s.to_string()).collect())
        );
        assert_eq!(
            table_notes("t  passed  1.2s  1  coverage 81.5%; missing reports: a.xml, b/*.xml"),
            want
        );
        assert!(table_notes("t  failed  1.2s  1  step `x` failed").is_empty());
    }

    #[test]
    fn act_summary_rows_stand_in_for_a_lost_table() {
        let units = [unit("b", &[])];
        let log = "[p/b] | PMARK b\n\
                   [p/b]   ❌  Failure - Main cigen run b [65ms]\n\
                   [p/b]   ⚙  Summary - ### p\n\
                   | Job | Status | Duration | Attempts | Note |\n\
                   | b | ❌ failed | 32ms | 1 | step `false` failed: exit 1; coverage 42% |\n\
                   [p/b] 🏁  Job failed\n";
        let o = from_act(&units, "p", log);
        assert_eq!(o["b"].status, "failed");
        assert_eq!(o["b"].markers, vec!["PMARK b", "PMARK coverage 42%"]);
    }

    #[test]
    fn gitlab_ci_locals_own_coverage_is_compared_with_cigens() {
        let units = [unit("t", &[("n", "1")]), unit("u", &[]), unit("v", &[])];
        let gitlab_ci = "t:\n  parallel:\n    matrix:\n      - { MATRIX_N: '1' }\n";
        let log = "t: [1] > t (1)  passed  1s  1  coverage 81.5%\n\
                   u > u  passed  1s  1  coverage 40%\n\
                   v > v  passed  1s  1\n \
                   PASS  t: [1] 81.5% coverage\n \
                   PASS   80 ms u        41% coverage\n \
                   PASS   80 ms v        0% coverage\n";
        let o = from_glci(&units, gitlab_ci, log);
        assert_eq!(o["t (1)"].markers, vec!["PMARK coverage 81.5%"]);
        assert_eq!(
            o["u"].markers,
            vec!["PMARK coverage 40%", "PMARK GitLab's own coverage 41%"]
        );
        assert!(o["v"].markers.is_empty(), "{:?}", o["v"]);
    }
}
