//! A step's environment as the run's process env, borrowed, with the step's own changes on
//! top (`env.rs` builds it layer by layer).
//!
//! Copying the process env for every step cost more than anything else cigen did per step of
//! a chain of no-op steps: in a 1,000-job chain, cloning the map, freeing it and putting it in
//! order were 49,000 of the 115,000 instructions a step cost (callgrind), and a CI runner's
//! environment is two or three times the 40 variables measured there. A step changes a
//! handful, so only those are owned here.

use std::collections::HashMap;

/// The process env of a run in name order, names unique: what every step's env starts from.
pub(crate) fn sorted_base(process: &HashMap<String, String>) -> Vec<(String, String)> {
    let mut vars: Vec<(String, String)> = process
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    vars.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    vars
}

/// The process env of the run, with this step's variables set over it or removed from it.
/// Both lists are kept in name order, so the whole env comes out in order by merging them
/// and nothing is hashed.
#[derive(Debug, Clone)]
pub(crate) struct StepEnv<'b> {
    /// From [`sorted_base`].
    base: &'b [(String, String)],
    /// A value set over the base, or `None` for a variable removed; in name order.
    over: Vec<(String, Option<String>)>,
}

fn find<T>(list: &[(String, T)], name: &str) -> Result<usize, usize> {
    list.binary_search_by(|(k, _)| k.as_str().cmp(name))
}

impl<'b> StepEnv<'b> {
    pub(crate) fn new(base: &'b [(String, String)]) -> Self {
        StepEnv {
            base,
            over: Vec::new(),
        }
    }

    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        match find(&self.over, name) {
            Ok(i) => self.over[i].1.as_deref(),
            Err(_) => find(self.base, name).ok().map(|i| self.base[i].1.as_str()),
        }
    }

    fn put(&mut self, name: &str, value: Option<String>) {
        match find(&self.over, name) {
            Ok(i) => self.over[i].1 = value,
            Err(i) => self.over.insert(i, (name.to_owned(), value)),
        }
    }

    pub(crate) fn insert(&mut self, name: String, value: String) {
        match find(&self.over, &name) {
            Ok(i) => self.over[i].1 = Some(value),
            Err(i) => self.over.insert(i, (name, Some(value))),
        }
    }

    /// Removes `name`, returning the value it had.
    pub(crate) fn remove(&mut self, name: &str) -> Option<String> {
        let old = self.get(name).map(str::to_owned);
        if find(self.base, name).is_ok() {
            self.put(name, None);
        } else if let Ok(i) = find(&self.over, name) {
            self.over.remove(i);
        }
        old
    }

    pub(crate) fn extend(&mut self, vars: impl IntoIterator<Item = (String, String)>) {
        for (k, v) in vars {
            self.insert(k, v);
        }
    }

    /// Every variable, in name order.
    pub(crate) fn sorted(&self) -> Vec<(&str, &str)> {
        let mut out = Vec::with_capacity(self.base.len() + self.over.len());
        let (mut b, mut o) = (0, 0);
        loop {
            let next_base = self.base.get(b);
            let next_over = self.over.get(o);
            match (next_base, next_over) {
                (None, None) => return out,
                (Some((k, v)), None) => {
                    out.push((k.as_str(), v.as_str()));
                    b += 1;
                }
                (Some((bk, bv)), Some((ok, _))) if bk < ok => {
                    out.push((bk.as_str(), bv.as_str()));
                    b += 1;
                }
                (base, Some((ok, ov))) => {
                    // The step's own value (or removal) wins over the base's.
                    if base.is_some_and(|(bk, _)| bk == ok) {
                        b += 1;
                    }
                    if let Some(v) = ov {
                        out.push((ok.as_str(), v.as_str()));
                    }
                    o += 1;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_and_removes_over_the_base_without_touching_it() {
        let base: HashMap<String, String> = [("PATH", "/bin"), ("HOME", "/root"), ("A", "1")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let base = sorted_base(&base);
        let mut env = StepEnv::new(&base);
        env.insert("A".into(), "2".into());
        env.insert("NEW".into(), "x".into());
        assert_eq!(env.remove("HOME").as_deref(), Some("/root"));
        assert_eq!(env.remove("HOME"), None);
        assert_eq!(env.remove("NEW").as_deref(), Some("x"));
        assert_eq!(env.remove("NEVER"), None);
        env.extend([("B".to_string(), "3".to_string())]);
        assert_eq!(env.get("A"), Some("2"));
        assert_eq!(env.get("HOME"), None);
        assert_eq!(env.get("NEW"), None);
        assert_eq!(env.sorted(), vec![("A", "2"), ("B", "3"), ("PATH", "/bin")],);
        // Set again after a removal.
        env.insert("HOME".into(), "/home/x".into());
        assert_eq!(env.get("HOME"), Some("/home/x"));
        assert_eq!(base[1], ("HOME".to_string(), "/root".to_string()));
        assert_eq!(base[0], ("A".to_string(), "1".to_string()));
        assert_eq!(
            env.sorted(),
            vec![
                ("A", "2"),
                ("B", "3"),
                ("HOME", "/home/x"),
                ("PATH", "/bin")
            ],
        );
    }

    /// Any sequence of sets and removals gives what the same on a copied map gives.
    #[derive(Debug, Clone)]
    enum Op {
        Insert(String, String),
        Remove(String),
    }

    fn op() -> impl proptest::strategy::Strategy<Value = Op> {
        use proptest::prelude::*;
        let name = "[A-E]{1,2}";
        prop_oneof![
            (name, "[a-z]{0,3}").prop_map(|(k, v)| Op::Insert(k, v)),
            name.prop_map(Op::Remove),
        ]
    }

    proptest::proptest! {
        #[test]
        fn behaves_as_a_copied_map(
            base in proptest::collection::hash_map("[A-E]{1,2}", "[a-z]{0,3}", 0..8),
            ops in proptest::collection::vec(op(), 0..24),
        ) {
            let sorted = sorted_base(&base);
            let mut env = StepEnv::new(&sorted);
            let mut model = base.clone();
            for op in ops {
                match op {
                    Op::Insert(k, v) => {
                        env.insert(k.clone(), v.clone());
                        model.insert(k, v);
                    }
                    Op::Remove(k) => {
                        proptest::prop_assert_eq!(env.remove(&k), model.remove(&k));
                    }
                }
                for k in ["A", "B", "AB", "E", "EE"] {
                    proptest::prop_assert_eq!(env.get(k), model.get(k).map(String::as_str));
                }
            }
            let mut want: Vec<(&str, &str)> =
                model.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            want.sort_unstable();
            proptest::prop_assert_eq!(env.sorted(), want);
        }
    }
}
