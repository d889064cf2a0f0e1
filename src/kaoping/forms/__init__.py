"""The blank forms kaoping hands out: 附件1–3 per person, half-year records and ballots, the roster template."""
