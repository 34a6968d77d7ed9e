//! Rendering: the validated playbook into site files. Pure: no file system.

pub mod charts;
pub mod ics;
