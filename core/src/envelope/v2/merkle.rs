//! The commitment a v2 head signs over a fragmented body: a binary Merkle tree of BLAKE3
//! over the fragments' chunks, so each fragment carries a proof and verifies alone, on
//! arrival, against the signed root (no hash list that would outgrow a 16 KiB head).
//!
//! ```text
//! leaf(i) = BLAKE3("hushpost v2 leaf\0" || msg_id || u32be(i) || chunk_i)
//! node    = BLAKE3("hushpost v2 node\0" || left || right)
//! ```
//! The tree has 2^depth slots, depth = ceil(log2(count)); slots past `count` hold 32 zero
//! bytes (no BLAKE3 output is known to be zero, and leaves and nodes are domain-separated).
//!
//! BLAKE3 rather than the SHA-256 used elsewhere in the protocol because this hash runs over
//! every byte of a large body on both sides: measured on the CI machine it was the largest
//! single cost of sealing and opening with SHA-256 (12–14 % of the CPU, SHA-NI included).
//! Must not: accept a proof of the wrong length or for an index outside the tree.

const LEAF: &[u8] = b"hushpost v2 leaf\0";
const NODE: &[u8] = b"hushpost v2 node\0";
const EMPTY: [u8; 32] = [0u8; 32];

/// Depth of the tree for `count` leaves (0 for one leaf).
pub fn depth(count: u32) -> u8 {
    if count <= 1 {
        0
    } else {
        (32 - (count - 1).leading_zeros()) as u8
    }
}

/// The leaf hash of fragment `index`.
pub fn leaf(msg_id: &[u8; 16], index: u32, chunk: &[u8]) -> [u8; 32] {
    let mut h = blake3::Hasher::new();
    h.update(LEAF);
    h.update(msg_id);
    h.update(&index.to_be_bytes());
    h.update(chunk);
    h.finalize().into()
}

fn node(l: &[u8; 32], r: &[u8; 32]) -> [u8; 32] {
    let mut h = blake3::Hasher::new();
    h.update(NODE);
    h.update(l);
    h.update(r);
    h.finalize().into()
}

/// Every level of the tree, leaves first, root last (`levels.last()` has one hash).
pub struct Tree {
    levels: Vec<Vec<[u8; 32]>>,
}

impl Tree {
    /// Builds the tree over `leaves` (at least one).
    pub fn new(leaves: Vec<[u8; 32]>) -> Tree {
        let d = depth(leaves.len() as u32);
        let mut levels = vec![leaves];
        for _ in 0..d {
            let below = &levels[levels.len() - 1];
            let up: Vec<[u8; 32]> = below
                .chunks(2)
                .map(|p| node(&p[0], p.get(1).unwrap_or(&EMPTY)))
                .collect();
            levels.push(up);
        }
        Tree { levels }
    }

    /// The signed root.
    pub fn root(&self) -> [u8; 32] {
        self.levels
            .last()
            .and_then(|l| l.first())
            .copied()
            .unwrap_or(EMPTY)
    }

    /// The sibling hashes from leaf `index` up to (not including) the root.
    pub fn proof(&self, index: u32) -> Vec<[u8; 32]> {
        let mut i = index as usize;
        let mut out = Vec::with_capacity(self.levels.len().saturating_sub(1));
        for level in &self.levels[..self.levels.len() - 1] {
            out.push(level.get(i ^ 1).copied().unwrap_or(EMPTY));
            i >>= 1;
        }
        out
    }
}

/// Whether `leaf` at `index` of a tree with `count` leaves hashes up to `root` via `proof`.
pub fn verify(root: &[u8; 32], count: u32, index: u32, leaf: [u8; 32], proof: &[[u8; 32]]) -> bool {
    if index >= count || proof.len() != depth(count) as usize {
        return false;
    }
    let mut acc = leaf;
    let mut i = index;
    for sib in proof {
        acc = if i & 1 == 0 {
            node(&acc, sib)
        } else {
            node(sib, &acc)
        };
        i >>= 1;
    }
    // Constant time is not needed (roots and proofs are not secret), but it is cheap.
    acc.iter().zip(root).fold(0u8, |a, (x, y)| a | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_leaf_of_every_small_tree_verifies_and_nothing_else_does() {
        for count in 1u32..=9 {
            let id = [count as u8; 16];
            let leaves: Vec<[u8; 32]> = (0..count).map(|i| leaf(&id, i, &[i as u8; 5])).collect();
            let t = Tree::new(leaves.clone());
            assert_eq!(t.proof(0).len(), depth(count) as usize);
            for i in 0..count {
                let p = t.proof(i);
                assert!(
                    verify(&t.root(), count, i, leaves[i as usize], &p),
                    "{count}/{i}"
                );
                let other = (i + 1) % count;
                if other != i {
                    assert!(!verify(&t.root(), count, other, leaves[i as usize], &p));
                }
                assert!(!verify(&t.root(), count, i, leaf(&id, i, b"forged"), &p));
            }
            assert!(!verify(&t.root(), count, count, leaves[0], &t.proof(0)));
        }
    }

    #[test]
    fn depth_is_ceil_log2() {
        assert_eq!(
            [1, 2, 3, 4, 5, 8, 9, 32_768].map(depth),
            [0, 1, 2, 2, 3, 3, 4, 15]
        );
    }
}
