//! Schema.org `JobPosting` JSON-LD for open roles, with Google's required
//! and recommended properties, safe to embed in a `<script>` element.

use serde::Serialize;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JobPosting {
    #[serde(rename = "@context")]
    pub context: &'static str,
    #[serde(rename = "@type")]
    pub kind: &'static str,
    pub title: String,
    /// HTML: the job description.
    pub description: String,
    pub identifier: PropertyValue,
    pub date_posted: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_through: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub employment_type: Vec<String>,
    pub hiring_organization: Organization,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_location: Option<Place>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_location_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub applicant_location_requirements: Vec<Country>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_salary: Option<MonetaryAmount>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direct_apply: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub responsibilities: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub qualifications: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skills: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub education_requirements: Option<EducationalCredential>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub experience_requirements: Option<ExperienceRequirements>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub experience_in_place_of_education: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub occupational_category: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct PropertyValue {
    #[serde(rename = "@type")]
    pub kind: &'static str,
    pub name: String,
    pub value: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Organization {
    #[serde(rename = "@type")]
    pub kind: &'static str,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub same_as: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logo: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Place {
    #[serde(rename = "@type")]
    pub kind: &'static str,
    pub address: PostalAddress,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PostalAddress {
    #[serde(rename = "@type")]
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub street_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_locality: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_country: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Country {
    #[serde(rename = "@type")]
    pub kind: &'static str,
    pub name: String,
}

#[derive(Debug, Serialize)]
pub struct MonetaryAmount {
    #[serde(rename = "@type")]
    pub kind: &'static str,
    pub currency: String,
    pub value: QuantitativeValue,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QuantitativeValue {
    #[serde(rename = "@type")]
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_value: Option<serde_json::Number>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_value: Option<serde_json::Number>,
    pub unit_text: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EducationalCredential {
    #[serde(rename = "@type")]
    pub kind: &'static str,
    pub credential_category: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExperienceRequirements {
    #[serde(rename = "@type")]
    pub kind: &'static str,
    pub months_of_experience: u32,
}

/// Serializes for a `<script type="application/ld+json">` element: `<`,
/// `>` and `&` are written as Unicode escapes, so no user text can close
/// the element or start a comment.
pub fn to_script(value: &impl Serialize) -> String {
    let json = serde_json::to_string_pretty(value).expect("JSON-LD serializes");
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_escaping() {
        let v = serde_json::json!({"description": "</script><script>alert(1)</script> & <!--"});
        let s = to_script(&v);
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'));
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }
}
