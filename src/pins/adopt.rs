//! Adopting a bot's bump: when Dependabot or Renovate rewrote a `uses:` line of a generated
//! workflow to a newer release of the same action (new SHA, newer `# vX.Y.Z`), `cigen
//! generate` records that pin instead of writing the old one back, which would revert the bot
//! (and make `generate --check` fail on every bot pull request).

use std::cmp::Ordering;

use super::lock::pins_in;
use super::{compare_versions, Pin, Table};

/// The pins in `workflow` (a generated file as it is on disk) that are newer releases of
/// actions `table` pins: same action, another SHA, a higher version. An older or equal
/// version is not adopted: a downgrade is a decision for the lock, not a side effect.
pub fn bumps(workflow: &str, table: &Table) -> Vec<Pin> {
    let mut out: Vec<Pin> = Vec::new();
    for pin in pins_in(workflow) {
        let Some((current, _)) = table.get(&pin.action) else {
            continue;
        };
        let newer = compare_versions(&pin.version, &current.version) == Some(Ordering::Greater);
        if newer && pin.sha != current.sha && !out.iter().any(|p| p.action == pin.action) {
            out.push(pin);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pins::CHECKOUT;

    #[test]
    fn only_newer_releases_are_adopted() {
        let table = Table::default();
        let (current, _) = table.get(CHECKOUT).unwrap();
        let line = |sha: &str, v: &str| format!("      - uses: {CHECKOUT}@{sha}  # {v}\n");
        let newer = line(&"a".repeat(40), "v99.0.0");
        let older = line(&"b".repeat(40), "v0.1.0");
        let same = line(&current.sha, &current.version);
        let unknown = format!("      - uses: nobody/x@{}  # v9.0.0\n", "c".repeat(40));
        let adopted = bumps(&format!("{older}{same}{unknown}{newer}"), &table);
        assert_eq!(adopted.len(), 1);
        assert_eq!(
            (adopted[0].sha.clone(), adopted[0].version.as_str()),
            ("a".repeat(40), "v99.0.0")
        );
        assert!(bumps(&format!("{older}{same}"), &table).is_empty());
    }
}
