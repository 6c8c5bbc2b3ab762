//! Strongly connected components by Tarjan's algorithm with an explicit call stack.
//!
//! Recursion depth would equal the longest path (a million for a long ownership chain), which
//! overflows native threads and, much sooner, WebAssembly stacks; the explicit stack lives on the
//! heap. Components are numbered in a topological order of the condensation: every edge between
//! two components goes from a lower to a higher number (for shareholdings: holders first).

use super::csr::Csr;

/// The strongly connected components of a graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Components {
    component: Vec<u32>,
    offsets: Vec<u32>,
    members: Vec<u32>,
}

impl Components {
    /// Number of components.
    pub fn count(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// The component of node `v` (`u32::MAX` for an unknown node).
    pub fn of(&self, v: u32) -> u32 {
        self.component.get(v as usize).copied().unwrap_or(UNVISITED)
    }

    /// The nodes of component `c`, in increasing order.
    pub fn members(&self, c: u32) -> &[u32] {
        let c = c as usize;
        match (self.offsets.get(c), self.offsets.get(c + 1)) {
            (Some(&a), Some(&b)) => self.members.get(a as usize..b as usize).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// The components with more than one node, i.e. those containing a cycle (self-loops aside).
    pub fn nontrivial(&self) -> impl Iterator<Item = u32> + '_ {
        (0..self.count() as u32).filter(|&c| self.members(c).len() > 1)
    }
}

/// A node that Tarjan's search has not reached.
const UNVISITED: u32 = u32::MAX;
/// A node already assigned to a component (so no longer on the stack). Visit numbers stay below
/// it: there are fewer nodes than `u32::MAX - 1` (the CSR limit).
const DONE: u32 = u32::MAX - 1;

/// Finds the strongly connected components of `graph`.
///
/// Each node's search state is one pair `[visit number, low link]`, fetched together: an arc to
/// a node already seen costs one cache line, where separate visit, low-link and on-stack arrays
/// cost up to three. A node leaves the stack by taking the visit number `DONE` and, as its low
/// link, the number of its component in the order of emission.
pub fn strongly_connected(graph: &Csr) -> Components {
    let n = graph.node_count();
    let mut state = vec![[UNVISITED, 0u32]; n];
    let mut stack: Vec<u32> = Vec::new();
    // Each frame keeps the arcs its node has left to follow, so the adjacency is looked up
    // once per node rather than once per arc.
    let mut calls: Vec<(u32, std::slice::Iter<'_, u32>)> = Vec::new();
    let mut emitted_count = 0u32;
    let mut next = 0u32;
    for root in 0..n as u32 {
        if state[root as usize][0] != UNVISITED {
            continue;
        }
        enter(root, &mut next, &mut state, &mut stack);
        calls.push((root, graph.neighbours(root).iter()));
        while let Some((v, arcs)) = calls.last_mut() {
            let v = *v;
            if let Some(&w) = arcs.next() {
                match state[w as usize][0] {
                    UNVISITED => {
                        enter(w, &mut next, &mut state, &mut stack);
                        calls.push((w, graph.neighbours(w).iter()));
                    }
                    DONE => {}
                    visit => {
                        let low = &mut state[v as usize][1];
                        *low = (*low).min(visit);
                    }
                }
                continue;
            }
            calls.pop();
            let [visit, low] = state[v as usize];
            if let Some(&(parent, _)) = calls.last() {
                let parent_low = &mut state[parent as usize][1];
                *parent_low = (*parent_low).min(low);
            }
            if low == visit {
                while let Some(w) = stack.pop() {
                    state[w as usize] = [DONE, emitted_count];
                    if w == v {
                        break;
                    }
                }
                emitted_count += 1;
            }
        }
    }
    // Tarjan emits a component only after everything reachable from it: reversing the emission
    // order gives a topological order.
    let component: Vec<u32> = state.iter().map(|&[_, e]| emitted_count - 1 - e).collect();
    group(component, emitted_count as usize)
}

fn enter(v: u32, next: &mut u32, state: &mut [[u32; 2]], stack: &mut Vec<u32>) {
    state[v as usize] = [*next, *next];
    *next += 1;
    stack.push(v);
}

/// Lists the members of each component by a counting sort (members come out in node order).
fn group(component: Vec<u32>, count: usize) -> Components {
    let mut offsets = vec![0u32; count + 1];
    for &c in &component {
        offsets[c as usize + 1] += 1;
    }
    for c in 0..count {
        offsets[c + 1] += offsets[c];
    }
    let mut fill = offsets[..count].to_vec();
    let mut members = vec![0u32; component.len()];
    for (v, &c) in component.iter().enumerate() {
        members[fill[c as usize] as usize] = v as u32;
        fill[c as usize] += 1;
    }
    Components { component, offsets, members }
}

/// The condensation: one node per component, one edge per pair of components joined by at
/// least one edge. Its nodes `0..count` are already in topological order.
pub fn condensation(graph: &Csr, components: &Components) -> Csr {
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    for v in 0..graph.node_count() as u32 {
        let cv = components.of(v);
        pairs.extend(
            graph.neighbours(v).iter().map(|&w| (cv, components.of(w))).filter(|(a, b)| a != b),
        );
    }
    pairs.sort_unstable();
    pairs.dedup();
    let (from, to): (Vec<u32>, Vec<u32>) = pairs.into_iter().unzip();
    Csr::from_edges(components.count(), &from, &to)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_cycles_and_orders_components() {
        // 0 -> 1 -> 2 -> 1, 2 -> 3, 4 alone
        let csr = Csr::from_edges(5, &[0, 1, 2, 2], &[1, 2, 1, 3]);
        let c = strongly_connected(&csr);
        assert_eq!(c.count(), 4);
        assert_eq!(c.of(1), c.of(2));
        assert_eq!(c.members(c.of(1)), &[1, 2]);
        assert!(c.of(0) < c.of(1) && c.of(1) < c.of(3));
        assert_eq!(c.nontrivial().collect::<Vec<_>>(), vec![c.of(1)]);
        let dag = condensation(&csr, &c);
        for a in 0..dag.node_count() as u32 {
            assert!(dag.neighbours(a).iter().all(|&b| b > a));
        }
        assert_eq!(dag.edge_count(), 2);
    }
}
