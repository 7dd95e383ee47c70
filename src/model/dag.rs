//! The job graph: topological order and cycle detection that names the cycle.

use indexmap::IndexMap;

/// Orders jobs so every job comes after its needs, keeping spec order among ready jobs.
/// On a cycle returns its path, first job repeated at the end (`a → b → a`).
pub fn topo_order<'a>(needs: &IndexMap<&'a str, Vec<&'a str>>) -> Result<Vec<&'a str>, Vec<String>> {
    if let Some(cycle) = find_cycle(needs) {
        return Err(cycle);
    }
    let mut done: Vec<&str> = Vec::with_capacity(needs.len());
    let mut placed = std::collections::HashSet::new();
    while done.len() < needs.len() {
        let before = done.len();
        for (job, deps) in needs {
            if !placed.contains(job) && deps.iter().all(|d| placed.contains(d) || !needs.contains_key(d)) {
                placed.insert(*job);
                done.push(job);
            }
        }
        if done.len() == before {
            break;
        }
    }
    Ok(done)
}

/// The first cycle found by depth-first search, in spec order.
pub fn find_cycle(needs: &IndexMap<&str, Vec<&str>>) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Active,
        Done,
    }
    let mut marks: IndexMap<&str, Mark> = needs.keys().map(|k| (*k, Mark::New)).collect();
    for start in needs.keys() {
        if marks[start] != Mark::New {
            continue;
        }
        // Iterative DFS: (job, next need index); `stack` is the active path.
        let mut stack: Vec<(&str, usize)> = vec![(start, 0)];
        marks[start] = Mark::Active;
        while let Some((job, i)) = stack.last().copied() {
            let deps = &needs[job];
            if i < deps.len() {
                stack.last_mut().map(|top| top.1 += 1);
                let dep = deps[i];
                match marks.get(dep).copied() {
                    Some(Mark::New) => {
                        marks[dep] = Mark::Active;
                        stack.push((dep, 0));
                    }
                    Some(Mark::Active) => {
                        let pos = stack.iter().position(|(j, _)| *j == dep).unwrap_or(0);
                        let mut cycle: Vec<String> = stack[pos..].iter().map(|(j, _)| j.to_string()).collect();
                        cycle.push(dep.to_string());
                        return Some(cycle);
                    }
                    _ => {}
                }
            } else {
                marks[job] = Mark::Done;
                stack.pop();
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(edges: &[(&'static str, &[&'static str])]) -> IndexMap<&'static str, Vec<&'static str>> {
        edges.iter().map(|(k, v)| (*k, v.to_vec())).collect()
    }

    #[test]
    fn orders_and_finds_cycles() {
        let g = graph(&[("deploy", &["build"]), ("build", &["lint", "test"]), ("lint", &[]), ("test", &["lint"])]);
        assert_eq!(topo_order(&g).unwrap(), vec!["lint", "test", "build", "deploy"]);
        let c = graph(&[("a", &["b"]), ("b", &["c"]), ("c", &["a"]), ("d", &[])]);
        assert_eq!(topo_order(&c).unwrap_err(), vec!["a", "b", "c", "a"]);
        let selfloop = graph(&[("a", &["a"])]);
        assert_eq!(find_cycle(&selfloop).unwrap(), vec!["a", "a"]);
    }
}
