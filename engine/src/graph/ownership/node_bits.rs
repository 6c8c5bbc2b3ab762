//! One bit per node, for the yes-or-no facts the registry pass asks about every holder.
//!
//! The pass visits the nodes in component order, which is random in node order, so each fact
//! read from a per-node array is a cache miss once the arrays outgrow the cache. A million-firm
//! registry has 1.5 million nodes: one bit each is under 200 KB and stays in cache, where a byte
//! each is 1.5 MB and a record each tens of megabytes.

/// A set of node indices as a bit vector.
#[derive(Debug, Clone, Default)]
pub(crate) struct NodeBits {
    words: Vec<u64>,
}

impl NodeBits {
    /// The empty set over `n` nodes.
    pub(crate) fn new(n: usize) -> NodeBits {
        NodeBits { words: vec![0; n.div_ceil(64)] }
    }

    /// Whether `v` is in the set (false past the end).
    pub(crate) fn contains(&self, v: u32) -> bool {
        self.words.get((v / 64) as usize).is_some_and(|w| w >> (v % 64) & 1 == 1)
    }

    /// Adds `v` (ignored past the end).
    pub(crate) fn insert(&mut self, v: u32) {
        if let Some(w) = self.words.get_mut((v / 64) as usize) {
            *w |= 1 << (v % 64);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_what_was_inserted_and_nothing_else() {
        let mut bits = NodeBits::new(130);
        for v in [0, 63, 64, 129] {
            bits.insert(v);
        }
        bits.insert(130_000);
        let members: Vec<u32> = (0..200).filter(|&v| bits.contains(v)).collect();
        assert_eq!(members, vec![0, 63, 64, 129]);
        assert!(!bits.contains(u32::MAX));
    }
}
