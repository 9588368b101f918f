//! One module per page; each page's server functions sit beside it.

pub mod feedback;
pub mod offline;
pub mod register;
