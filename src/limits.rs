//! The resource limits: what a playbook may ask of the machine that builds
//! it. Each is far above what a real playbook needs, and each has a
//! diagnostic that names it (`limit-exceeded`, or `too-many-occurrences`
//! for the schedule) rather than a hang or a memory blow-up.

/// Bytes in one content file (`playbook.yaml`, or a Markdown or YAML file
/// under `content/`). Larger files are not read.
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

/// Markdown and YAML files under `content/`. A playbook with more is not
/// read at all.
pub const MAX_CONTENT_FILES: usize = 100_000;

/// Values in one YAML document, an alias counting as all it repeats
/// ("billion laughs").
pub const MAX_YAML_NODES: usize = 250_000;

/// Alias uses (`*name`), and anchors (`&name`), in one YAML document.
pub const MAX_YAML_ALIASES: usize = 10_000;

/// Nesting of YAML mappings and sequences (block or flow).
pub const MAX_YAML_DEPTH: usize = 64;

/// Elements a text with raw HTML may nest, Markdown's and the raw HTML's
/// together: such a text goes through the sanitizer, whose HTML parser
/// takes time with the square of the depth. Chromium's HTML parser stops
/// nesting at the same depth.
pub const MAX_HTML_DEPTH: usize = 512;

/// Occurrences of one event shown on the site; an event that repeats more
/// often within the horizon is reported, and its first ones are shown.
pub const MAX_OCCURRENCES: u16 = 2000;

/// Formats a count with thousands separators for messages: 100,000.
pub fn count(n: u64) -> String {
    crate::render::format::number(n.into())
}

/// Formats a size in bytes for messages: 10 MB, 104.9 MB, 512 bytes.
pub fn size(bytes: u64) -> String {
    const MB: u64 = 1024 * 1024;
    if bytes >= MB {
        let tenths = bytes * 10 / MB;
        if tenths.is_multiple_of(10) {
            format!("{} MB", tenths / 10)
        } else {
            format!("{}.{} MB", tenths / 10, tenths % 10)
        }
    } else {
        format!("{} bytes", count(bytes))
    }
}

/// [`size`] of something over `limit`, in bytes when it would read the
/// same as the limit.
pub fn size_over(bytes: u64, limit: u64) -> String {
    if size(bytes) == size(limit) {
        format!("{} bytes", count(bytes))
    } else {
        size(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_sizes_read_well() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(100_000), "100,000");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(size(MAX_FILE_BYTES), "10 MB");
        assert_eq!(size(100 * 1024 * 1024 + 512 * 1024), "100.5 MB");
        assert_eq!(size(512), "512 bytes");
        assert_eq!(size_over(MAX_FILE_BYTES + 1, MAX_FILE_BYTES), "10,485,761 bytes");
        assert_eq!(size_over(11 * 1024 * 1024, MAX_FILE_BYTES), "11 MB");
    }
}
