//! Integration tests: one binary, a builder that runs the real cigen.
