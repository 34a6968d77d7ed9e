//! Plain data for every file kind, as written by users. No I/O here: the
//! loader fills these structs and the validator reads them. The JSON
//! Schemas of `playbook schema` are generated from these same types.

pub mod budget;
pub mod calendar;
pub mod content;
pub mod located;
pub mod money;
pub mod period;
pub mod role;
pub mod settings;

pub use located::{Located, LocatedMap, Number};
