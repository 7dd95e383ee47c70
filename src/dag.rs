//! The job graph: topological order and cycle detection that names the cycle.

use indexmap::IndexMap;

/// Orders jobs so every job comes after its needs, keeping spec order among ready jobs.
/// On a cycle returns its path, first job repeated at the end (`a → b → a`).
///
/// The order is that of repeated passes over the spec, each placing every job whose needs are
/// already placed. It is computed in linear time: a job's pass is the latest pass among its
/// needs, one later for a need that stands after it in the spec (a pass reaches that need
/// only after the job). Jobs then sort by (pass, spec position).
pub fn topo_order<'a>(
    needs: &IndexMap<&'a str, Vec<&'a str>>,
) -> Result<Vec<&'a str>, Vec<String>> {
    let deps = edges(needs);
    if let Some(cycle) = cycle_in(needs, &deps) {
        return Err(cycle);
    }
    let n = needs.len();
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut waiting: Vec<usize> = deps.iter().map(Vec::len).collect();
    for (job, ds) in deps.iter().enumerate() {
        for &d in ds {
            dependents[d].push(job);
        }
    }
    // Kahn's algorithm gives some valid order; passes are computed along it.
    let mut ready: Vec<usize> = (0..n).filter(|&j| waiting[j] == 0).collect();
    let mut pass = vec![0usize; n];
    while let Some(job) = ready.pop() {
        pass[job] = deps[job]
            .iter()
            .map(|&d| pass[d] + usize::from(d > job))
            .max()
            .unwrap_or(0);
        for &next in &dependents[job] {
            waiting[next] -= 1;
            if waiting[next] == 0 {
                ready.push(next);
            }
        }
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&j| (pass[j], j));
    Ok(order
        .into_iter()
        .filter_map(|j| needs.get_index(j).map(|(k, _)| *k))
        .collect())
}

/// Each job's needs as indices into `needs`, leaving out needs that name no job (reported
/// elsewhere): the graph walks below then never hash a name.
fn edges(needs: &IndexMap<&str, Vec<&str>>) -> Vec<Vec<usize>> {
    needs
        .values()
        .map(|ds| ds.iter().filter_map(|d| needs.get_index_of(d)).collect())
        .collect()
}

/// The first cycle found by depth-first search, in spec order.
pub fn find_cycle(needs: &IndexMap<&str, Vec<&str>>) -> Option<Vec<String>> {
    cycle_in(needs, &edges(needs))
}

fn cycle_in(needs: &IndexMap<&str, Vec<&str>>, deps: &[Vec<usize>]) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Active,
        Done,
    }
    let name = |j: usize| needs.get_index(j).map_or("", |(k, _)| *k).to_string();
    let mut marks = vec![Mark::New; deps.len()];
    for start in 0..deps.len() {
        if marks[start] != Mark::New {
            continue;
        }
        // Iterative DFS: (job, next need index); `stack` is the active path.
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        marks[start] = Mark::Active;
        while let Some((job, i)) = stack.last().copied() {
            if let Some(&dep) = deps[job].get(i) {
                if let Some(top) = stack.last_mut() {
                    top.1 += 1;
                }
                match marks[dep] {
                    Mark::New => {
                        marks[dep] = Mark::Active;
                        stack.push((dep, 0));
                    }
                    Mark::Active => {
                        let pos = stack.iter().position(|(j, _)| *j == dep).unwrap_or(0);
                        let mut cycle: Vec<String> =
                            stack[pos..].iter().map(|(j, _)| name(*j)).collect();
                        cycle.push(name(dep));
                        return Some(cycle);
                    }
                    Mark::Done => {}
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

    fn graph(
        edges: &[(&'static str, &[&'static str])],
    ) -> IndexMap<&'static str, Vec<&'static str>> {
        edges.iter().map(|(k, v)| (*k, v.to_vec())).collect()
    }

    #[test]
    fn orders_and_finds_cycles() {
        let g = graph(&[
            ("deploy", &["build"]),
            ("build", &["lint", "test"]),
            ("lint", &[]),
            ("test", &["lint"]),
        ]);
        assert_eq!(
            topo_order(&g).unwrap(),
            vec!["lint", "test", "build", "deploy"]
        );
        let c = graph(&[("a", &["b"]), ("b", &["c"]), ("c", &["a"]), ("d", &[])]);
        assert_eq!(topo_order(&c).unwrap_err(), vec!["a", "b", "c", "a"]);
        // A need that stands after its job costs an extra pass.
        let late = graph(&[("b", &["c"]), ("a", &[]), ("c", &["a"]), ("d", &[])]);
        assert_eq!(topo_order(&late).unwrap(), vec!["a", "c", "d", "b"]);
        let selfloop = graph(&[("a", &["a"])]);
        assert_eq!(find_cycle(&selfloop).unwrap(), vec!["a", "a"]);
    }

    /// The pass-by-pass definition, quadratic but obviously right: the reference.
    fn passes<'a>(needs: &IndexMap<&'a str, Vec<&'a str>>) -> Vec<&'a str> {
        let mut done: Vec<&str> = Vec::new();
        while done.len() < needs.len() {
            for (job, deps) in needs {
                if !done.contains(job)
                    && deps
                        .iter()
                        .all(|d| done.contains(d) || !needs.contains_key(d))
                {
                    done.push(job);
                }
            }
        }
        done
    }

    #[test]
    fn linear_order_equals_pass_order_on_random_graphs() {
        const NAMES: [&str; 12] = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..500 {
            let n = 1 + (next() % 12) as usize;
            // A random DAG: edges only from a hidden rank order, then shuffled spec order.
            let mut rank: Vec<usize> = (0..n).collect();
            for i in (1..n).rev() {
                rank.swap(i, (next() % (i as u64 + 1)) as usize);
            }
            let mut g: IndexMap<&str, Vec<&str>> = IndexMap::new();
            for &r in &rank {
                let deps = (0..r)
                    .filter(|_| next() % 3 == 0)
                    .map(|d| NAMES[d])
                    .collect();
                g.insert(NAMES[r], deps);
            }
            assert_eq!(topo_order(&g).unwrap(), passes(&g), "{g:?}");
        }
    }
}
