//! The template contract: every variable a theme's templates can use, as
//! typed structs. Each template gets `site` (the same on every page),
//! `page` (this page's metadata) and `data` (what the page shows; its type
//! is named per template below).
//!
//! URLs in `data` and `site` are relative to the site root; prefix them
//! with `page.root` (`<a href="{{ page.root }}{{ item.url }}">`), so the site
//! works under any subpath and from `file://`. HTML fields (`*_html`, `body`,
//! `chart`) are already sanitized or generated; print them with `| safe`.
//! Everything else is plain text that the template engine escapes.
//!
//! | template | `data` type |
//! |---|---|
//! | `index.html` | [`Home`] |
//! | `page.html` | [`Body`] |
//! | `personas.html` | [`Personas`] |
//! | `persona.html` | [`PersonaPage`] |
//! | `goals.html` | [`Goals`] |
//! | `goal.html` | [`GoalPage`] |
//! | `metrics.html` | [`Metrics`] |
//! | `metric.html` | [`MetricPage`] |
//! | `campaigns.html` | [`Campaigns`] |
//! | `campaign.html` | [`CampaignPage`] |
//! | `budgets.html` | [`Budgets`] |
//! | `budget.html` | [`BudgetPage`] |
//! | `roles.html` | [`Roles`] |
//! | `role.html` | [`RolePage`] |
//! | `jobs.html` | [`Jobs`] |
//! | `routing.html` | [`Routing`] |
//! | `raci.html` | [`Raci`] |
//! | `schedule.html` | [`Schedule`] |
//! | `search.html`, `404.html` | [`Empty`] |
//!
//! Every template extends `base.html`, which reads `site` and `page` only.

use super::markdown::TocEntry;
use serde::Serialize;

/// The same on every page.
#[derive(Clone, Debug, Serialize)]
pub struct Site {
    pub title: String,
    pub description: Option<String>,
    /// BCP 47 language of the content (`lang` attribute).
    pub language: String,
    pub organization: Option<String>,
    pub organization_url: Option<String>,
    /// The logo, relative to the root.
    pub logo: Option<String>,
    pub nav: Vec<Link>,
    /// "Today" (YYYY-MM-DD), what progress and upcoming events are judged on.
    pub today: String,
    /// Whether this is a public build (internal entities left out).
    pub public: bool,
    /// `playbook` and its version.
    pub generator: String,
}

/// This page's metadata.
#[derive(Clone, Debug, Serialize)]
pub struct Page {
    pub title: String,
    pub description: Option<String>,
    /// The navigation section this page belongs to (`roles`, `goals`, ...).
    pub section: String,
    /// `../` repeated to reach the site root from this page ("" at the root).
    pub root: String,
    /// This page's path from the root, e.g. `roles/smm/index.html`.
    pub path: String,
    /// The absolute URL, when `base_url` is set.
    pub canonical: Option<String>,
    /// The body's table of contents; empty on short pages.
    pub toc: Vec<TocEntry>,
    /// Entities that refer to this one.
    pub referenced_by: Vec<Link>,
    /// Schema.org JSON-LD, already escaped for a `<script>` element.
    pub json_ld: Option<String>,
    /// Feeds to advertise (`<link rel="alternate" type="text/calendar">`).
    pub feeds: Vec<Link>,
}

/// A link to a page of the site.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Link {
    pub title: String,
    /// Relative to the root.
    pub url: String,
    /// What it is: `role`, `goal`, `page`, ...
    pub kind: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Empty {}

/// A page that is a Markdown body.
#[derive(Clone, Debug, Serialize)]
pub struct Body {
    pub body: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Home {
    pub intro: String,
    pub goals: Vec<GoalSummary>,
    pub budgets: Vec<BudgetSummary>,
    pub upcoming: Vec<Shown>,
    pub jobs: Vec<JobSummary>,
    pub pages: Vec<Link>,
    pub counts: Vec<Count>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Count {
    pub label: String,
    pub value: usize,
    pub url: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct GoalSummary {
    pub link: Link,
    pub period: String,
    pub owner: Option<Link>,
    /// Nesting depth in the goal tree (0 for top goals).
    pub depth: usize,
    pub key_results: Vec<KeyResultSummary>,
}

#[derive(Clone, Debug, Serialize)]
pub struct KeyResultSummary {
    pub id: String,
    pub title: String,
    pub metric: Option<Link>,
    pub baseline: String,
    pub target: String,
    pub actual: Option<String>,
    /// Progress towards the target, percent, 0-100 for display.
    pub progress_percent: Option<i64>,
    /// Share of the period elapsed at today, percent.
    pub expected_percent: i64,
    /// `on-track`, `at-risk`, `off-track`, `not-started` or `no-data`.
    pub health: String,
    pub health_label: String,
    /// A progress bar (HTML).
    pub bar: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct BudgetSummary {
    pub link: Link,
    pub period: String,
    pub total: String,
    pub planned: String,
    pub actual: String,
    pub spent_percent: i64,
}

#[derive(Clone, Debug, Serialize)]
pub struct JobSummary {
    pub link: Link,
    pub department: String,
    pub location: String,
    pub employment: String,
    pub date_posted: String,
    pub valid_through: Option<String>,
}

/// An [`Occurrence`] as templates see it, shared by every page that lists
/// it: made once per build, so that each page only points to it.
#[derive(Clone, Debug)]
pub struct Shown(std::sync::Arc<tera::Value>);

impl Shown {
    /// The occurrence of `event` on `date` (labelled `day_label`), at
    /// `time` when it has one: the fields an [`Occurrence`] has of its own.
    pub fn of(event: &EventShown, date: String, day_label: String, time: Option<String>) -> Shown {
        let fields = OwnFields {
            event,
            date: &date,
            day_label: &day_label,
            time: time.as_deref(),
        };
        Shown(std::sync::Arc::new(tera::Value::from_serializable(&fields)))
    }

    /// A text field (`title`, `date`, `calendar.url`…): empty when absent.
    pub fn text<'s>(&'s self, path: &'s str) -> &'s str {
        self.0.get_from_path(path).and_then(|v| v.as_str()).unwrap_or("")
    }

    pub fn recurring(&self) -> bool {
        self.0.get_from_path("recurring").and_then(|v| v.as_bool()) == Some(true)
    }
}

/// What the occurrences of one event have in common, as templates see it:
/// made once per event, so that its occurrences share their links.
pub struct EventShown(tera::Map);

impl EventShown {
    /// From any occurrence of the event (its date and time are replaced).
    pub fn new(o: &Occurrence) -> EventShown {
        EventShown(tera::Value::from_serializable(o).into_map().unwrap_or_default())
    }
}

/// An occurrence's own fields over its event's: serialized into a template
/// value, the event's values are shared, not copied, and the map is made
/// once (a map converted into a value is made again, key by key).
struct OwnFields<'a> {
    event: &'a EventShown,
    date: &'a str,
    day_label: &'a str,
    time: Option<&'a str>,
}

impl Serialize for OwnFields<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut out = s.serialize_struct("Occurrence", self.event.0.len())?;
        // The event's keys are the fields of an `Occurrence`, in its order.
        for (key, value) in &self.event.0 {
            let tera::value::Key::Str(name) = key else {
                continue;
            };
            match *name {
                "date" => out.serialize_field("date", self.date)?,
                "day_label" => out.serialize_field("day_label", self.day_label)?,
                "time" => out.serialize_field("time", &self.time)?,
                _ => out.serialize_field(name, value)?,
            }
        }
        out.end()
    }
}

impl Serialize for Shown {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Into a template context, the value is taken as it is.
        self.0.serialize(s)
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Occurrence {
    pub date: String,
    /// `Mon 5 Jan`.
    pub day_label: String,
    pub time: Option<String>,
    pub title: String,
    pub kind: String,
    pub status: Option<String>,
    pub calendar: Link,
    pub owner: Option<Link>,
    pub campaign: Option<Link>,
    pub channel: Option<String>,
    pub recurring: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct Personas {
    pub personas: Vec<PersonaCard>,
}

#[derive(Clone, Debug, Serialize)]
pub struct PersonaCard {
    pub link: Link,
    pub kind: String,
    pub summary: String,
    pub channels: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct PersonaPage {
    pub kind: String,
    pub summary: String,
    pub demographics: Vec<Pair>,
    pub goals: Vec<String>,
    pub pain_points: Vec<String>,
    pub objections: Vec<String>,
    pub channels: Vec<String>,
    pub content_preferences: Vec<String>,
    pub quotes: Vec<Quote>,
    pub avatar: Option<String>,
    pub body: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Pair {
    pub key: String,
    pub value: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Quote {
    pub text: String,
    pub source: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Goals {
    /// The goal tree, depth first.
    pub goals: Vec<GoalSummary>,
}

#[derive(Clone, Debug, Serialize)]
pub struct GoalPage {
    pub period: String,
    pub period_dates: String,
    pub owner: Option<Link>,
    pub parent: Option<Link>,
    pub children: Vec<Link>,
    pub personas: Vec<Link>,
    pub campaigns: Vec<Link>,
    pub key_results: Vec<KeyResultDetail>,
    pub body: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct KeyResultDetail {
    pub summary: KeyResultSummary,
    pub direction: String,
    pub aggregation: String,
    pub cascade: Vec<CascadeRow>,
}

#[derive(Clone, Debug, Serialize)]
pub struct CascadeRow {
    pub period: String,
    pub dates: String,
    pub target: String,
    pub actual: Option<String>,
    pub health: String,
    pub health_label: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Metrics {
    pub metrics: Vec<MetricRow>,
}

#[derive(Clone, Debug, Serialize)]
pub struct MetricRow {
    pub link: Link,
    pub unit: String,
    pub direction: String,
    pub latest: Option<String>,
    pub owner: Option<Link>,
}

#[derive(Clone, Debug, Serialize)]
pub struct MetricPage {
    pub definition: String,
    pub unit: String,
    pub direction: String,
    pub aggregation: String,
    pub owner: Option<Link>,
    pub measurements: Vec<Pair>,
    pub targets: Vec<TargetRow>,
    /// SVG chart of targets vs measurements (HTML).
    pub chart: String,
    pub body: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct TargetRow {
    pub goal: Link,
    pub key_result: String,
    pub period: String,
    pub target: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Campaigns {
    /// SVG timeline of all campaigns (HTML).
    pub timeline: String,
    pub campaigns: Vec<CampaignRow>,
}

#[derive(Clone, Debug, Serialize)]
pub struct CampaignRow {
    pub link: Link,
    pub start: String,
    pub end: String,
    pub owner: Option<Link>,
    pub status: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct CampaignPage {
    pub start: String,
    pub end: String,
    pub status: String,
    pub owner: Option<Link>,
    pub goals: Vec<Link>,
    pub personas: Vec<Link>,
    pub channels: Vec<String>,
    pub events: Vec<Shown>,
    pub lines: Vec<LineRow>,
    /// Cost: actual spend, planned where no actual is given.
    pub cost: Option<String>,
    /// Whether some of the cost is planned rather than spent.
    pub cost_uses_planned: bool,
    pub revenue: Option<String>,
    /// (revenue − cost) / cost, as a percentage.
    pub roi: Option<String>,
    /// The campaign's schedule page, when it has events.
    pub schedule: Option<String>,
    pub body: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct LineRow {
    pub id: String,
    pub title: String,
    pub budget: Option<Link>,
    pub category: String,
    pub channel: Option<String>,
    pub campaign: Option<Link>,
    pub period: String,
    pub planned: String,
    pub actual: Option<String>,
    pub over: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct Budgets {
    pub budgets: Vec<BudgetSummary>,
}

#[derive(Clone, Debug, Serialize)]
pub struct BudgetPage {
    pub period: String,
    pub currency: String,
    pub owner: Option<Link>,
    pub total: String,
    pub planned: String,
    pub actual: String,
    pub remaining: String,
    pub lines: Vec<LineRow>,
    pub by_category: Vec<Breakdown>,
    pub by_channel: Vec<Breakdown>,
    pub by_quarter: Vec<Breakdown>,
    pub by_campaign: Vec<Breakdown>,
    /// Charts (HTML).
    pub category_chart: String,
    pub channel_chart: String,
    pub quarter_chart: String,
    pub body: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Breakdown {
    pub label: String,
    pub url: Option<String>,
    pub planned: String,
    pub actual: String,
    /// Planned share of the total, percent.
    pub share: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Roles {
    /// The org chart from `reports_to`, depth first.
    pub chart: Vec<OrgNode>,
    pub departments: Vec<DepartmentRoles>,
}

#[derive(Clone, Debug, Serialize)]
pub struct OrgNode {
    pub link: Link,
    pub depth: usize,
    pub department: String,
    /// How many levels open and close after this node, for nested lists.
    pub open: usize,
    pub close: usize,
    pub hiring: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct DepartmentRoles {
    pub name: String,
    pub roles: Vec<Link>,
}

#[derive(Clone, Debug, Serialize)]
pub struct RolePage {
    pub department: String,
    pub reports_to: Option<Link>,
    pub reports: Vec<Link>,
    pub summary: String,
    pub responsibilities: Vec<AreaView>,
    pub not_responsible_for: Vec<Exclusion>,
    pub authority: Vec<String>,
    pub escalations: Vec<EscalationView>,
    pub kpis: Vec<Link>,
    pub qualifications_required: Vec<String>,
    pub qualifications_preferred: Vec<String>,
    pub skills: Vec<String>,
    pub experience: Option<String>,
    pub education: Option<String>,
    pub posting: Option<Posting>,
    /// The role's duties feed, relative to the root.
    pub duties_feed: Option<String>,
    /// The role's schedule page, when it owns events.
    pub schedule: Option<String>,
    pub body: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct AreaView {
    pub area: String,
    pub items: Vec<ItemView>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ItemView {
    pub text: String,
    pub cadence: Option<String>,
    pub kpis: Vec<Link>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Exclusion {
    pub text: String,
    pub owner: Option<Link>,
    pub owner_name: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct EscalationView {
    pub topic: String,
    pub to: Option<Link>,
    pub to_name: String,
    pub private: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct Posting {
    pub open: bool,
    pub expired: bool,
    pub date_posted: Option<String>,
    pub valid_through: Option<String>,
    pub employment: String,
    pub location: String,
    pub salary: Option<String>,
    pub apply_url: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Jobs {
    pub jobs: Vec<JobSummary>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Routing {
    pub escalations: Vec<RouteRow>,
    pub exclusions: Vec<RouteRow>,
}

#[derive(Clone, Debug, Serialize)]
pub struct RouteRow {
    pub topic: String,
    pub from: Link,
    pub to: Option<Link>,
    pub to_name: String,
    pub private: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct Raci {
    pub roles: Vec<Link>,
    pub rows: Vec<RaciRow>,
}

#[derive(Clone, Debug, Serialize)]
pub struct RaciRow {
    pub area: String,
    /// One cell per role in `roles`: the role's items in this area.
    pub cells: Vec<Vec<String>>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Schedule {
    /// What the page shows: everything, or one role's or campaign's events.
    pub scope: Option<Link>,
    pub upcoming: Vec<Shown>,
    pub months: Vec<Month>,
    pub views: Vec<Link>,
    pub feeds: Vec<Link>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Month {
    /// `2026-03`.
    pub id: String,
    /// `March 2026`.
    pub label: String,
    /// Weeks of seven days (Monday first); days outside the month are blank.
    pub weeks: Vec<Vec<ShownDay>>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Day {
    pub day: Option<u8>,
    pub today: bool,
    pub events: Vec<Shown>,
}

/// A [`Day`] as templates see it. Days without events are alike from
/// month to month, so that a page's months can share them.
#[derive(Clone, Debug)]
pub struct ShownDay(tera::Value);

impl ShownDay {
    pub fn of(day: &Day) -> ShownDay {
        ShownDay(tera::Value::from_serializable(day))
    }
}

impl Serialize for ShownDay {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Into a template context, the value is taken as it is.
        self.0.serialize(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A shared occurrence looks the same as the occurrence itself, to
    /// templates and to JSON.
    #[test]
    fn a_shown_occurrence_serializes_as_the_occurrence() {
        let link = |t: &str| Link {
            title: t.into(),
            url: format!("{t}/index.html"),
            kind: "role".into(),
        };
        let o = Occurrence {
            date: "2026-03-02".into(),
            day_label: "Mon 2 Mar".into(),
            time: Some("09:30".into()),
            title: "Stand-up <weekly> & \"review\"".into(),
            kind: "meeting".into(),
            status: None,
            calendar: link("cal"),
            owner: Some(link("owner")),
            campaign: None,
            channel: Some("linkedin".into()),
            recurring: true,
        };
        let of = |event: &EventShown, o: &Occurrence| {
            Shown::of(event, o.date.clone(), o.day_label.clone(), o.time.clone())
        };
        let shown = of(&EventShown::new(&o), &o);
        assert_eq!(
            serde_json::to_value(&shown).unwrap(),
            serde_json::to_value(&o).unwrap()
        );
        // Made from another occurrence of the same event, with this one's
        // date and time (and none).
        let other = Occurrence {
            date: "2026-03-09".into(),
            day_label: "Mon 9 Mar".into(),
            time: None,
            ..o.clone()
        };
        let event = EventShown::new(&other);
        assert!(*of(&event, &o).0 == tera::Value::from_serializable(&o));
        assert!(*of(&event, &other).0 == tera::Value::from_serializable(&other));
        // In the occurrence's field order, as a template looping over it meets them.
        assert_eq!(
            of(&event, &o).0.to_string(),
            tera::Value::from_serializable(&o).to_string()
        );
        assert_eq!(shown.text("calendar.url"), "cal/index.html");
        assert_eq!(shown.text("time"), "09:30");
        assert!(shown.recurring());
        let day = |events| Day {
            day: Some(2),
            today: false,
            events,
        };
        let json_day = serde_json::json!({
            "day": 2, "today": false, "events": [serde_json::to_value(&o).unwrap()]
        });
        assert_eq!(
            serde_json::to_value(tera::Value::from_serializable(&day(vec![shown.clone()]))).unwrap(),
            json_day
        );
        // A shared day is the day.
        let shared = ShownDay::of(&day(vec![shown.clone()]));
        assert_eq!(
            serde_json::to_value(tera::Value::from_serializable(&[shared])).unwrap(),
            serde_json::json!([json_day])
        );
    }
}
