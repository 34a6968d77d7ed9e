//! Did-you-mean: the closest candidate to a misspelt key or id.

/// The candidate most similar to `input`, if any is similar enough to be a
/// plausible typo (Jaro-Winkler similarity of at least 0.8, or `input` being
/// a case-insensitive match).
pub fn closest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = input.to_lowercase();
    let mut best: Option<(f64, &str)> = None;
    for candidate in candidates {
        let score = if candidate.to_lowercase() == lower {
            2.0
        } else {
            strsim::jaro_winkler(&lower, &candidate.to_lowercase())
        };
        // Ties keep the first candidate, so callers pass sorted lists for
        // deterministic help.
        if score >= 0.8 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// A help line: "did you mean `x`?" when there is a close candidate.
pub fn did_you_mean<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    closest(input, candidates).map(|c| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_typos() {
        let keys = ["title", "department", "reports_to", "summary"];
        assert_eq!(closest("titel", keys), Some("title"));
        assert_eq!(closest("reportsto", keys), Some("reports_to"));
        assert_eq!(closest("depratment", keys), Some("department"));
        assert_eq!(closest("Summary", keys), Some("summary"));
    }

    #[test]
    fn ignores_unrelated_words() {
        assert_eq!(closest("colour", ["title", "owner"]), None);
        assert_eq!(closest("x", Vec::<&str>::new()), None);
    }

    #[test]
    fn help_line() {
        assert_eq!(
            did_you_mean("socal-media-manager", ["social-media-manager", "sales-lead"]).as_deref(),
            Some("did you mean `social-media-manager`?")
        );
    }
}
