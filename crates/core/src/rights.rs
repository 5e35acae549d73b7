//! Rights (PERM1–PERM5): being written.
