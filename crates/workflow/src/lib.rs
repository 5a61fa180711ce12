//! Workflows: the case work built on the store.
