//! Standard packs: where files come from, overlay resolution, structural reading, building.

pub(crate) mod build;
pub(crate) mod read;
pub(crate) mod resolve;
pub(crate) mod source;
