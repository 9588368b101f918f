//! Plain domain types shared by the browser and the server: no storage, no HTTP.
//! Every field that comes from outside is parsed into a newtype here, once.

pub mod accounts;
pub mod concerns;
pub mod device;
pub mod field;
pub mod forms;
pub mod news;
pub mod providers;
pub mod register;
pub mod submission;
pub mod sync;
pub mod triage;

pub use field::FieldError;
