//! Slug identifiers for rubrics and the items inside them.
//!
//! Rubrics are written by people and read in appraisal records, so their ids are short slugs
//! such as `ai-use-in-appraisal`, checked by the same rule as the model's playbook slugs.

use teichaku_model::slug_id;

slug_id! {
    /// Identifies a [`Rubric`](crate::Rubric), such as `ai-use-in-appraisal`.
    ///
    /// ```
    /// use teichaku_rules::RubricId;
    /// let id: RubricId = "ai-use-in-appraisal".parse()?;
    /// assert_eq!(id.as_str(), "ai-use-in-appraisal");
    /// assert!(RubricId::new("AI Use").is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    RubricId
}

slug_id! {
    /// Identifies a [`Criterion`](crate::Criterion) within one rubric.
    ///
    /// ```
    /// use teichaku_rules::CriterionId;
    /// assert_eq!(CriterionId::new("usage-days")?.to_string(), "usage-days");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    CriterionId
}

slug_id! {
    /// Identifies a [`Cap`](crate::Cap) within one rubric.
    ///
    /// ```
    /// use teichaku_rules::CapId;
    /// assert_eq!(CapId::new("incident")?.as_str(), "incident");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    CapId
}

slug_id! {
    /// Names a fact a rubric reads, such as `usage_days_28`.
    ///
    /// ```
    /// use teichaku_rules::FactName;
    /// assert_eq!(FactName::new("incidents")?.as_str(), "incidents");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    FactName
}
