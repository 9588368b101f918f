//! The register of services on the server: CSV import and the demo register.

pub mod demo;
pub mod import;
