"""The crisis desk's engine (issue 15): normalise and collapse reposts, read each card (kind, needs, places,
when, how many, contact). Pure: no store, web or platform; see docs/crisis.md."""
