//! Optional edge attributes stored only for the edges that have them.
//!
//! A vote share or a subscribed amount is stated for few shareholdings; a `Vec<Option<Decimal>>`
//! would still pay 20 bytes for every edge. Sorted `(edge id, value)` pairs cost 20 bytes per
//! stated value and nothing for the others, and a lookup is a binary search.

/// Values of some edges of a table, by increasing edge id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SparseColumn<T> {
    ids: Vec<u32>,
    values: Vec<T>,
}

impl<T> Default for SparseColumn<T> {
    fn default() -> Self {
        SparseColumn { ids: Vec::new(), values: Vec::new() }
    }
}

impl<T: Copy> SparseColumn<T> {
    /// Records the value of edge `e`, if it has one. Edges come in increasing order of id (the
    /// order a table is filled in); an edge at or below the last recorded one is ignored, so
    /// the ids stay sorted for the binary search.
    pub(crate) fn push(&mut self, e: u32, value: Option<T>) {
        let Some(value) = value else { return };
        if self.ids.last().is_some_and(|&last| last >= e) {
            return;
        }
        self.ids.push(e);
        self.values.push(value);
    }

    /// The value of edge `e`, if it has one.
    pub(crate) fn get(&self, e: u32) -> Option<T> {
        let i = self.ids.binary_search(&e).ok()?;
        self.values.get(i).copied()
    }

    /// Bytes held by the ids and values (lengths, not spare capacity).
    pub(crate) fn heap_bytes(&self) -> usize {
        self.ids.len() * size_of::<u32>() + self.values.len() * size_of::<T>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_edges_with_a_value_are_stored() {
        let mut column = SparseColumn::default();
        for (e, value) in [(0, None), (1, Some(10u64)), (2, None), (5, Some(50)), (6, None)] {
            column.push(e, value);
        }
        assert_eq!(column.heap_bytes(), 2 * (4 + 8));
        let got: Vec<Option<u64>> = (0..8).map(|e| column.get(e)).collect();
        assert_eq!(got, [None, Some(10), None, None, None, Some(50), None, None]);
    }

    #[test]
    fn an_empty_column_holds_nothing_and_out_of_order_edges_are_ignored() {
        let mut column: SparseColumn<u8> = SparseColumn::default();
        assert_eq!((column.heap_bytes(), column.get(0)), (0, None));
        column.push(u32::MAX, Some(1));
        column.push(3, Some(2));
        assert_eq!(column.get(u32::MAX), Some(1));
        assert_eq!(column.get(3), None);
    }
}
